package dev.cairn.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.ConfigError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CAIRN_WEBHOOK_TOKEN_FILE: read once, one clear line when unusable, never echoed. */
class WebhookTokenFileTest {
  @TempDir Path tmp;

  @Test
  void theTokenIsTheFilesOneLine() throws Exception {
    Path file = Files.writeString(tmp.resolve("hook"), "s3cr3t-hook\n");
    assertEquals("s3cr3t-hook", Wiring.webhookToken(file));
  }

  @Test
  void aMissingOrEmptyOrMultiLineFileIsOneLineNamingTheKey_withoutTheSecret() throws Exception {
    CairnException missing =
        assertThrows(CairnException.class, () -> Wiring.webhookToken(tmp.resolve("absent")));
    assertTrue(missing.getMessage().startsWith("cannot read CAIRN_WEBHOOK_TOKEN_FILE="));
    Path empty = Files.writeString(tmp.resolve("empty"), " \n");
    assertTrue(
        assertThrows(CairnException.class, () -> Wiring.webhookToken(empty))
            .getMessage()
            .endsWith("it is empty"));
    Path two = Files.writeString(tmp.resolve("two"), "first-secret\nsecond-secret\n");
    String message =
        assertThrows(CairnException.class, () -> Wiring.webhookToken(two)).getMessage();
    assertTrue(message.contains("one line"), message);
    assertFalse(message.contains("secret-"), message);
    assertFalse(message.contains("\n"), message);
  }

  @Test
  void aTokenFileWithoutAnHttpAddressIsASettingsError() {
    ConfigError e =
        assertThrows(
            ConfigError.class,
            () ->
                AgentSettings.load(
                    null,
                    Map.of(
                        "CAIRN_STORE",
                        tmp.toString(),
                        "CAIRN_WEBHOOK_TOKEN_FILE",
                        tmp.resolve("hook").toString())));
    assertTrue(e.getMessage().contains("CAIRN_WEBHOOK_TOKEN_FILE is set but CAIRN_HTTP_ADDRESS"));
  }
}
