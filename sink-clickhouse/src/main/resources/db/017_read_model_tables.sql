-- The read model whose cost follows the selected time range (step 1 of 3; 018 and 019 finish it).
-- Every data table gets a new layout: one partition per day of received_at (a time range prunes to its days,
-- whatever the rest of the history holds) and a sort key without received_at, ending with row_id, so that the
-- exact copies a retried insert may leave share partition and key and collapse under FINAL. The tables are
-- created as <table>_next, filled from the old ones (running this again after a crash only adds exact copies,
-- which collapse), and take the old names in 019. Portable: ClickHouse 18.16 and current releases.

CREATE TABLE IF NOT EXISTS kaizala.responses_next
(
    schema_version UInt8,
    row_id String,
    event_id String,
    event_type String,
    response_id String,
    action_id String,
    group_id String,
    action_package_id String,
    package_id String,
    responder String,
    responder_id String,
    responder_name String,
    responder_profile_pic String,
    is_anonymous UInt8,
    is_update UInt8,
    response_time_ms Nullable(Int64),
    version UInt64,
    answer_count Int32,
    received_at_ms Int64,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (group_id, action_id, row_id);

CREATE TABLE IF NOT EXISTS kaizala.answers_option_next
(
    schema_version UInt8,
    row_id String,
    event_id String,
    response_id String,
    version UInt64,
    action_id String,
    group_id String,
    question_index Int32,
    question_title String,
    question_type String,
    received_at_ms Int64,
    option_title String,
    option_index Int32,
    selection_index Int32,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (group_id, action_id, question_index, row_id);

CREATE TABLE IF NOT EXISTS kaizala.answers_numeric_next
(
    schema_version UInt8,
    row_id String,
    event_id String,
    response_id String,
    version UInt64,
    action_id String,
    group_id String,
    question_index Int32,
    question_title String,
    question_type String,
    received_at_ms Int64,
    value Float64,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (group_id, action_id, question_index, row_id);

CREATE TABLE IF NOT EXISTS kaizala.answers_location_next
(
    schema_version UInt8,
    row_id String,
    event_id String,
    response_id String,
    version UInt64,
    action_id String,
    group_id String,
    question_index Int32,
    question_title String,
    question_type String,
    received_at_ms Int64,
    latitude Float64,
    longitude Float64,
    place_name String,
    accuracy Nullable(Float64),
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (group_id, action_id, question_index, row_id);

CREATE TABLE IF NOT EXISTS kaizala.answers_text_next
(
    schema_version UInt8,
    row_id String,
    event_id String,
    response_id String,
    version UInt64,
    action_id String,
    group_id String,
    question_index Int32,
    question_title String,
    question_type String,
    received_at_ms Int64,
    text String,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (group_id, action_id, question_index, row_id);

CREATE TABLE IF NOT EXISTS kaizala.answers_datetime_next
(
    schema_version UInt8,
    row_id String,
    event_id String,
    response_id String,
    version UInt64,
    action_id String,
    group_id String,
    question_index Int32,
    question_title String,
    question_type String,
    received_at_ms Int64,
    value_ms Int64,
    value_at DateTime('UTC') DEFAULT toDateTime(intDiv(value_ms, 1000)),
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (group_id, action_id, question_index, row_id);

CREATE TABLE IF NOT EXISTS kaizala.answers_media_next
(
    schema_version UInt8,
    row_id String,
    event_id String,
    response_id String,
    version UInt64,
    action_id String,
    group_id String,
    question_index Int32,
    question_title String,
    question_type String,
    received_at_ms Int64,
    media_index Int32,
    media_url String,
    media_file_name String,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (group_id, action_id, question_index, row_id);

CREATE TABLE IF NOT EXISTS kaizala.answers_other_next
(
    schema_version UInt8,
    row_id String,
    event_id String,
    response_id String,
    version UInt64,
    action_id String,
    group_id String,
    question_index Int32,
    question_title String,
    question_type String,
    received_at_ms Int64,
    answer_json String,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (group_id, action_id, question_index, row_id);

CREATE TABLE IF NOT EXISTS kaizala.answer_rejects_next
(
    schema_version UInt8,
    row_id String,
    event_id String,
    response_id String,
    version UInt64,
    action_id String,
    group_id String,
    question_index Int32,
    question_title String,
    question_type String,
    received_at_ms Int64,
    answer_json String,
    reason String,
    detail String,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (group_id, action_id, question_index, row_id);

CREATE TABLE IF NOT EXISTS kaizala.events_next
(
    schema_version UInt8,
    row_id String,
    event_id String,
    event_type String,
    object_id String,
    object_type String,
    group_id String,
    action_id String,
    response_id String,
    from_user String,
    from_user_id String,
    from_user_name String,
    from_user_profile_pic String,
    context String,
    subscription_id String,
    received_at_ms Int64,
    raw_json String,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (event_type, group_id, row_id);

CREATE TABLE IF NOT EXISTS kaizala.messages_next
(
    schema_version UInt8,
    row_id String,
    event_id String,
    event_type String,
    group_id String,
    from_user String,
    from_user_name String,
    text String,
    title String,
    caption String,
    action_type String,
    media_urls Array(String),
    media_file_names Array(String),
    received_at_ms Int64,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (group_id, event_type, row_id);

CREATE TABLE IF NOT EXISTS kaizala.jobs_next
(
    schema_version UInt8,
    row_id String,
    event_id String,
    event_type String,
    action_id String,
    group_id String,
    title String,
    text String,
    due_date_ms Nullable(Int64),
    assigned_to Array(String),
    response_id String,
    assignee String,
    assignee_name String,
    is_completed Nullable(UInt8),
    received_at_ms Int64,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (group_id, action_id, row_id);

CREATE TABLE IF NOT EXISTS kaizala.memberships_next
(
    schema_version UInt8,
    row_id String,
    event_id String,
    event_type String,
    group_id String,
    member String,
    member_id String,
    member_name String,
    role String,
    from_user String,
    received_at_ms Int64,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (group_id, event_type, row_id);

CREATE TABLE IF NOT EXISTS kaizala.action_definitions_next
(
    schema_version UInt8,
    row_id String,
    event_id String,
    event_type String,
    action_id String,
    group_id String,
    action_package_id String,
    question_index Int32,
    question_title String,
    question_type String,
    options Array(String),
    is_invisible UInt8,
    received_at_ms Int64,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (group_id, action_id, question_index, row_id);

CREATE TABLE IF NOT EXISTS kaizala.dead_letters_next
(
    schema_version UInt8,
    row_id String,
    stage String,
    reason String,
    detail String,
    source_topic String,
    source_partition Int32,
    source_offset Int64,
    kafka_key String,
    request_id String,
    content_type String,
    payload String,
    payload_base64 String,
    payload_size UInt32,
    received_at_ms Int64,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (stage, reason, row_id);

-- Which version of a response a newer one replaced, written by the stream processor when a response gets a
-- new current version. received_at is the replaced version's receive time, so the rows a time range must
-- leave out are found among the markers of that same range. row_id = responseId:replaced version.
CREATE TABLE IF NOT EXISTS kaizala.response_supersessions
(
    schema_version UInt8,
    row_id String,
    event_id String,
    response_id String,
    version UInt64,
    superseded_by UInt64,
    action_id String,
    group_id String,
    received_at_ms Int64,
    superseded_at_ms Int64,
    received_at DateTime('UTC') DEFAULT toDateTime(intDiv(received_at_ms, 1000))
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (response_id, version);

-- History: response data as it is (every version; superseded ones get their markers below).
INSERT INTO kaizala.responses_next SELECT * FROM kaizala.responses;

INSERT INTO kaizala.answers_option_next SELECT * FROM kaizala.answers_option;

INSERT INTO kaizala.answers_numeric_next SELECT * FROM kaizala.answers_numeric;

INSERT INTO kaizala.answers_location_next SELECT * FROM kaizala.answers_location;

INSERT INTO kaizala.answers_text_next SELECT * FROM kaizala.answers_text;

INSERT INTO kaizala.answers_datetime_next SELECT * FROM kaizala.answers_datetime;

INSERT INTO kaizala.answers_media_next SELECT * FROM kaizala.answers_media;

INSERT INTO kaizala.answers_other_next SELECT * FROM kaizala.answers_other;

INSERT INTO kaizala.answer_rejects_next SELECT * FROM kaizala.answer_rejects;

INSERT INTO kaizala.dead_letters_next SELECT * FROM kaizala.dead_letters;

-- History: one copy per event (a copy delivered again after the dedup window had its own receive time).
INSERT INTO kaizala.events_next SELECT * FROM kaizala.events LIMIT 1 BY row_id;

INSERT INTO kaizala.messages_next SELECT * FROM kaizala.messages LIMIT 1 BY row_id;

INSERT INTO kaizala.jobs_next SELECT * FROM kaizala.jobs LIMIT 1 BY row_id;

INSERT INTO kaizala.memberships_next SELECT * FROM kaizala.memberships LIMIT 1 BY row_id;

INSERT INTO kaizala.action_definitions_next SELECT * FROM kaizala.action_definitions LIMIT 1 BY row_id;

-- Markers for the history: every version of a response below its highest one.
INSERT INTO kaizala.response_supersessions (schema_version, row_id, event_id, response_id, version, superseded_by, action_id, group_id, received_at_ms, superseded_at_ms)
SELECT 1, row_id, latest_event_id, response_id, version, latest_version, action_id, group_id, received_at_ms, latest_received_at_ms
FROM
(
    SELECT row_id, response_id, version, action_id, group_id, received_at_ms
    FROM kaizala.responses
) AS versions
ALL INNER JOIN
(
    SELECT response_id, max(version) AS latest_version, argMax(event_id, version) AS latest_event_id,
           argMax(received_at_ms, version) AS latest_received_at_ms
    FROM kaizala.responses
    GROUP BY response_id
) AS latest USING response_id
WHERE version < latest_version;
