package dev.cairn.demo;

import java.io.PrintStream;

/**
 * {@code java -jar demo-trainer.jar --task ...}: the demo workload. Trains one of three small
 * models on synthetic data shaped like a geospatial fine-tuning task, checkpointing every epoch and
 * when stopped, resuming from its last checkpoint.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    int code = run(args, System.out, System.err, true);
    System.out.flush();
    if (code != Trainer.STOPPED) {
      System.exit(code);
    }
    // stopped by a signal: the shutdown hook is waiting for this thread to end; the JVM exits 143
  }

  static int run(String[] args, PrintStream out, PrintStream err, boolean handleSignals) {
    Options options;
    try {
      options = Options.parse(args, System.getenv());
    } catch (Options.UsageError e) {
      err.println("demo-trainer: " + e.getMessage());
      return 2;
    }
    Trainer trainer = new Trainer(options, out, err);
    Thread main = Thread.currentThread();
    Thread hook = null;
    if (handleSignals) {
      hook =
          new Thread(
              () -> {
                trainer.requestStop();
                try {
                  main.join(20_000);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "demo-trainer-stop");
      Runtime.getRuntime().addShutdownHook(hook);
    }
    try {
      int code = trainer.run();
      if (hook != null && code != Trainer.STOPPED) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // already shutting down
        }
      }
      return code;
    } catch (Exception e) {
      err.println("demo-trainer: " + e);
      return 1;
    }
  }
}
