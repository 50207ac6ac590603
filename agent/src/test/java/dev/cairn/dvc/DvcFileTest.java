package dev.cairn.dvc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DvcFileTest {
  @TempDir Path tmp;

  @Test
  void render_directoryOutputInDvc3Form() {
    assertEquals(
        "outs:\n"
            + "- md5: 5369cb520f35f5d77e793cf181884a27.dir\n"
            + "  size: 12\n"
            + "  nfiles: 2\n"
            + "  hash: md5\n"
            + "  path: predictions\n",
        DvcFile.render(
            new DvcOutput("predictions", "5369cb520f35f5d77e793cf181884a27.dir", 12L, 2)));
  }

  @Test
  void render_quotesPathsYamlWouldMisread() {
    String text =
        DvcFile.render(new DvcOutput("it's: #1", "b1946ac92492d2347c6235b4d2611184", 6L, null));
    assertTrue(text.contains("  path: 'it''s: #1'\n"), text);
    assertEquals("it's: #1", DvcFile.parse(text, "x.dvc").get(0).path());
  }

  @Test
  void parse_readsWhatWriteWrote() throws IOException {
    DvcOutput out = new DvcOutput("predictions", "5369cb520f35f5d77e793cf181884a27.dir", 12L, 2);
    Path file = tmp.resolve("predictions.dvc");
    DvcFile.write(file, out);
    assertEquals(List.of(out), DvcFile.read(file));
  }

  @Test
  void parse_toleratesKeysDvcMayAdd() {
    String text =
        "# written by hand\n"
            + "md5: 0123456789abcdef0123456789abcdef\n"
            + "frozen: true\n"
            + "deps:\n"
            + "- path: data.csv\n"
            + "  md5: ffffffffffffffffffffffffffffffff\n"
            + "outs:\n"
            + "  - md5: 5369cb520f35f5d77e793cf181884a27.dir  # the folder\n"
            + "    desc: model predictions\n"
            + "    type: folder\n"
            + "    labels:\n"
            + "    - geo\n"
            + "    meta:\n"
            + "      owner: lab\n"
            + "    size: 12\n"
            + "    nfiles: 2\n"
            + "    isexec: false\n"
            + "    cache: true\n"
            + "    push: true\n"
            + "    hash: md5\n"
            + "    path: \"predictions\"\n"
            + "  - md5: b1946ac92492d2347c6235b4d2611184\n"
            + "    hash: md5\n"
            + "    path: err\n";
    assertEquals(
        List.of(
            new DvcOutput("predictions", "5369cb520f35f5d77e793cf181884a27.dir", 12L, 2),
            new DvcOutput("err", "b1946ac92492d2347c6235b4d2611184", null, null)),
        DvcFile.parse(text, "x.dvc"));
  }

  @Test
  void parse_rejectsDvc2Outputs() {
    String text = "outs:\n- md5: b1946ac92492d2347c6235b4d2611184\n  size: 6\n  path: out\n";
    CairnException e = assertThrows(CairnException.class, () -> DvcFile.parse(text, "out.dvc"));
    assertTrue(e.getMessage().contains("DVC 2"), e.getMessage());
  }

  @Test
  void parse_rejectsFilesWithoutOuts() {
    assertThrows(CairnException.class, () -> DvcFile.parse("md5: x\n", "x.dvc"));
  }
}
