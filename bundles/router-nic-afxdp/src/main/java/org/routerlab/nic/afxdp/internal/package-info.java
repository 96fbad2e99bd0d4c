/** The AF_XDP NIC backend ({@code nic=af-xdp}): internal, not exported. */
package org.routerlab.nic.afxdp.internal;
