/**
 * IPv4 routing: route sets and next hops, route files, and the routing algorithms that build longest-prefix-match tables from them.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.routerlab.api.route;
