package io.beamflow.reduce.flink.rules;

import org.apache.flink.api.connector.source.SourceSplit;

/**
 * The single split of the rule source: the rules directory whose {@code active.json} is followed.
 *
 * @param rulesDirectory directory holding {@code active.json}
 */
public record RuleFileSplit(String rulesDirectory) implements SourceSplit {
    @Override
    public String splitId() {
        return "rules";
    }
}
