package dev.cairn.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One epoch of a learning curve: the values logged for it, by name ({@code val/mIoU}). */
public record EpochRow(int epoch, Map<String, Double> values) {
  public EpochRow {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }
}
