/** eager4j: eager tensors, a gradient tape, custom gradients, variables and optimizers. */
package io.eager4j;
