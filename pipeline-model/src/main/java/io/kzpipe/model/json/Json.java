package io.kzpipe.model.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;

/**
 * The one Jackson configuration of the pipeline: snake_case names (equal to ClickHouse column names) unless a
 * type names its properties otherwise (the gateway's camelCase answers), unknown properties ignored (Kaizala
 * adds fields without notice), nulls written (a column gets NULL, not its default), properties read and written
 * through generated accessors (Blackbird) instead of reflection. {@link ObjectMapper} is thread-safe once
 * configured.
 */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .addModule(new BlackbirdModule())
            .build();

    private Json() {}
}
