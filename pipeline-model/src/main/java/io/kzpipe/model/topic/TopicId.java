package io.kzpipe.model.topic;

import io.kzpipe.model.record.ActionDefinitionRecord;
import io.kzpipe.model.record.AnswerReject;
import io.kzpipe.model.record.DateTimeAnswer;
import io.kzpipe.model.record.EventRecord;
import io.kzpipe.model.record.JobRecord;
import io.kzpipe.model.record.LocationAnswer;
import io.kzpipe.model.record.MediaAnswer;
import io.kzpipe.model.record.MembershipRecord;
import io.kzpipe.model.record.MessageRecord;
import io.kzpipe.model.record.NumericAnswer;
import io.kzpipe.model.record.OptionAnswer;
import io.kzpipe.model.record.OtherAnswer;
import io.kzpipe.model.record.RawOutcome;
import io.kzpipe.model.record.ResponseRecord;
import io.kzpipe.model.record.ResponseSupersession;
import io.kzpipe.model.record.TextAnswer;
import io.kzpipe.model.record.TypedRecord;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Every topic of the pipeline, declared once. Keys are UTF-8 strings everywhere. {@link #RAW} and the
 * dead-letter topics carry the exact bytes a sender posted; typed topics carry one JSON object per
 * record, of {@link #recordType()}, destined for the ClickHouse table {@link #table()}. {@link #RAW_OUTCOMES}
 * holds the processor's outcome of every raw record, for the ledger (docs/DESIGN.md "Ledger").
 */
public enum TopicId {
    RAW("raw", null, "raw_receipts"), DLQ_GATEWAY("dlq.gateway", null, "dead_letters"), DLQ_PROCESSOR("dlq.processor",
            null, "dead_letters"), EVENTS("events", EventRecord.class, "events"), RESPONSES("responses",
                    ResponseRecord.class, "responses"), RESPONSE_SUPERSESSIONS("response-supersessions",
                            ResponseSupersession.class, "response_supersessions"), ANSWERS_OPTION("answers.option",
                                    OptionAnswer.class, "answers_option"), ANSWERS_NUMERIC("answers.numeric",
                                            NumericAnswer.class, "answers_numeric"), ANSWERS_LOCATION(
                                                    "answers.location", LocationAnswer.class,
                                                    "answers_location"), ANSWERS_TEXT("answers.text", TextAnswer.class,
                                                            "answers_text"), ANSWERS_DATETIME("answers.datetime",
                                                                    DateTimeAnswer.class,
                                                                    "answers_datetime"), ANSWERS_MEDIA("answers.media",
                                                                            MediaAnswer.class,
                                                                            "answers_media"), ANSWERS_OTHER(
                                                                                    "answers.other", OtherAnswer.class,
                                                                                    "answers_other"), ANSWER_REJECTS(
                                                                                            "answer-rejects",
                                                                                            AnswerReject.class,
                                                                                            "answer_rejects"), MESSAGES(
                                                                                                    "messages",
                                                                                                    MessageRecord.class,
                                                                                                    "messages"), JOBS(
                                                                                                            "jobs",
                                                                                                            JobRecord.class,
                                                                                                            "jobs"), MEMBERSHIPS(
                                                                                                                    "memberships",
                                                                                                                    MembershipRecord.class,
                                                                                                                    "memberships"), ACTION_DEFINITIONS(
                                                                                                                            "action-definitions",
                                                                                                                            ActionDefinitionRecord.class,
                                                                                                                            "action_definitions"), RAW_OUTCOMES(
                                                                                                                                    "raw-outcomes",
                                                                                                                                    RawOutcome.class,
                                                                                                                                    "raw_outcomes"),
    /**
     * The puller's durable state (docs/DESIGN.md "Puller"): compacted, one partition, key = what the state is about
     * (a pull source's cursor, a tracked action, a backfill job, the Kaizala token state), value = its JSON. Holds the
     * rotated Kaizala refresh token: readable by the puller only (ACL). Not loaded into ClickHouse.
     */
    PULLER_STATE("puller.state", null, null);

    private final String suffix;
    private final Class<? extends TypedRecord> recordType;
    private final String table;

    TopicId(String suffix, Class<? extends TypedRecord> recordType, String table) {
        this.suffix = suffix;
        this.recordType = recordType;
        this.table = table;
    }

    /** Default name without prefix, e.g. {@code answers.option}. */
    public String suffix() {
        return suffix;
    }

    /** Record class of a typed topic; {@code null} for raw-byte topics. */
    public Class<? extends TypedRecord> recordType() {
        return recordType;
    }

    /**
     * ClickHouse table this topic is loaded into. For {@link #RAW} that is {@code raw_receipts}: the metadata of
     * every record the gateway acknowledged (coordinates, receive time, request id, replay header), never the
     * body; the ledger's independent count of accepted events.
     */
    public String table() {
        return table;
    }

    public boolean isTyped() {
        return recordType != null;
    }

    public boolean isDeadLetter() {
        return this == DLQ_GATEWAY || this == DLQ_PROCESSOR;
    }

    /** Env var that overrides this topic's full name, e.g. {@code TOPIC_ANSWERS_OPTION}. */
    public String envVar() {
        return "TOPIC_" + name().toUpperCase(Locale.ROOT);
    }

    /** The typed topics, in declaration order. */
    public static List<TopicId> typed() {
        return Arrays.stream(values()).filter(TopicId::isTyped).toList();
    }

    /** What the processor writes: typed topics plus its dead-letter topic. */
    public static List<TopicId> processorOutputs() {
        return Arrays.stream(values()).filter(t -> t.isTyped() || t == DLQ_PROCESSOR).toList();
    }

    /** What the sink loads: typed topics, both dead-letter topics and the raw topic's metadata. */
    public static List<TopicId> sinkInputs() {
        return Arrays.stream(values()).filter(t -> t.table() != null).toList();
    }
}
