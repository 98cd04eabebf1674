/**
 * Data-parallel training: {@link io.eager4j.parallel.DataParallel} shards batches and combines
 * gradients over replicas through an {@link io.eager4j.parallel.AllReduce}: threads of one process
 * ({@code AllReduce.inProcess}) or processes joined by a {@link io.eager4j.parallel.TcpRing}. The
 * eager4j-spark module runs the replicas as a Spark barrier stage over the ring.
 */
package io.eager4j.parallel;
