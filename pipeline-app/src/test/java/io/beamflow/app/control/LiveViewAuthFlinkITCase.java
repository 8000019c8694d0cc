package io.beamflow.app.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.result.FrameResult;
import io.beamflow.sink.live.LiveViewSink;
import io.beamflow.sink.live.LiveViewSubscriber;
import io.beamflow.testing.Await;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With OIDC configured, the live view of a real Flink job (MiniCluster) is a PLAIN server: the authenticator the
 * pipeline hands the job ({@link LiveViewAccess#authenticator}) travels with it, and inside the task only the
 * dashboard's and the operator token's credentials are let in.
 */
@Timeout(120)
class LiveViewAuthFlinkITCase {
    @Test
    void shouldLetOnlyTheDashboardAndOperatorTokenHoldersSubscribeToTheJobsLiveView() throws Exception {
        BeamflowConfig config = new BeamflowConfig();
        config.control.liveViewEndpoint = "tcp://127.0.0.1:*";
        config.control.liveViewMaxRateHz = 20;
        config.control.operatorToken = "live-operator-token";
        config.control.oidc.issuer = TestIssuer.ISSUER;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        DataStream<FrameResult> results = env.fromSequence(0, 1_000_000).map(FlinkLiveViewAndMetricsITCase::frame)
                .returns(FrameResult.class).name("make-frames");
        assertNotNull(LiveViewSink.attach(results, null, config.control, LiveViewAccess.authenticator(config)));
        JobClient job = env.executeAsync("live-view-auth-itcase");
        try (LiveViewSubscriber anonymous = new LiveViewSubscriber(config.control.liveViewEndpoint, m -> { });
                LiveViewSubscriber wrong = new LiveViewSubscriber(config.control.liveViewEndpoint, m -> { },
                        LiveViewAccess.OPERATOR_USER, "a-guess");
                LiveViewSubscriber operator = new LiveViewSubscriber(config.control.liveViewEndpoint, m -> { },
                        LiveViewAccess.OPERATOR_USER, "live-operator-token");
                LiveViewSubscriber dashboard = new LiveViewSubscriber(config.control.liveViewEndpoint, m -> { },
                        LiveViewAccess.DASHBOARD_USER, LiveViewAccess.dashboardPassword())) {
            Await.until(() -> "the operator and the dashboard receive (" + operator.received() + ", "
                    + dashboard.received() + ")", () -> operator.received() >= 5 && dashboard.received() >= 5);
            assertEquals(0, anonymous.received());
            assertEquals(0, wrong.received());
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }
}
