package io.beamflow.app.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.BeamflowConfig;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.flink.runtime.jobgraph.JobEdge;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * In the production job graph no task takes both the live path and the record path (under aligned checkpoints it
 * would hold the live path's records until the record path's barrier arrived), and the live view's two sinks are
 * co-located, so that their writers share one publisher on a session cluster too.
 */
class LiveViewJobGraphTest {
    private static JobVertex vertex(JobGraph graph, String nameContains, String nameLacks) {
        return StreamSupport.stream(graph.getVertices().spliterator(), false)
                .filter(v -> v.getName().contains(nameContains) && !v.getName().contains(nameLacks)).findFirst()
                .orElseThrow(() -> new AssertionError("no vertex named like '" + nameContains + "' in "
                        + StreamSupport.stream(graph.getVertices().spliterator(), false).map(JobVertex::getName)
                                .toList()));
    }

    @Test
    void shouldKeepTheLiveViewOffTheRecordPathsTasksAndCoLocateItsTwoSinks() {
        for (int parallelism : new int[] {1, 2}) {
            BeamflowConfig config = new BeamflowConfig();
            config.ingest.endpoints = List.of("tcp://127.0.0.1:9999");
            config.control.liveViewEndpoint = "tcp://127.0.0.1:*";
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
            PipelineRunner.buildJob(env, config);
            JobGraph graph = env.getStreamGraph().getJobGraph();

            JobVertex live = vertex(graph, "live-view: Writer", "record-path");
            assertTrue(live.getName().contains("live-decide"), "chained to the live path: " + live.getName());
            for (JobEdge in : live.getInputs()) {
                String from = in.getSource().getProducer().getName();
                assertTrue(from.contains("live-source") || from.contains("rule-source"),
                        "the live view's task takes " + from + " at parallelism " + parallelism);
            }
            JobVertex counts = vertex(graph, "live-view-record-path", "live-decide");
            if (counts.getParallelism() == 1 && parallelism == 1) {
                continue; // chained into the record path's decision; one slot holds every task at parallelism 1
            }
            assertNotNull(live.getCoLocationGroup(), "the live path's task is co-located");
            assertNotNull(counts.getCoLocationGroup(), "the record path's live-view sink is co-located");
            assertEquals(live.getCoLocationGroup().getId(), counts.getCoLocationGroup().getId());
        }
    }
}
