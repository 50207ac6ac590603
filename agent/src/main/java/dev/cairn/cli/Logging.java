package dev.cairn.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.LoggerFactory;

/** Switches logging between human-readable and JSON lines, and to DEBUG for {@code --verbose}. */
final class Logging {
  private Logging() {}

  static void configure(boolean json, boolean verbose) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    if (json) {
      URL config = Logging.class.getClassLoader().getResource("cairn/logback-json.xml");
      if (config != null) {
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
          configurator.doConfigure(config);
        } catch (JoranException e) {
          throw new IllegalStateException("bad JSON logging config", e);
        }
      }
    }
    if (verbose) {
      Logger cairn = context.getLogger("dev.cairn");
      cairn.setLevel(Level.DEBUG);
    }
  }
}
