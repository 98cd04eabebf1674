/**
 * Data-parallel training: {@link io.eager4j.parallel.DataParallel} shards batches and combines
 * gradients over replicas through an {@link io.eager4j.parallel.AllReduce}. The eager4j-spark
 * module runs the replicas as a Spark barrier stage with a TCP ring all-reduce.
 */
package io.eager4j.parallel;
