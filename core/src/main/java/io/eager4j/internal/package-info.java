/**
 * Backends and buffers. Not API: users never import this package; it may change in any release.
 * A backend sees only primitives over contiguous row-major buffers, never tensors or tapes.
 */
package io.eager4j.internal;
