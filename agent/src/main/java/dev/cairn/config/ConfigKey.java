package dev.cairn.config;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One key of {@code config.env}: its name, its default (null when required) and the check that
 * turns a raw value into its canonical form or explains what is allowed.
 *
 * @param check returns the canonical value, or throws {@link IllegalArgumentException} whose
 *     message says what is allowed (it is prefixed with the key and value)
 */
record ConfigKey(String name, @Nullable String defaultValue, Function<String, String> check) {}
