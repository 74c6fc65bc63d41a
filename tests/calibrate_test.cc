// The calibration check (calibrate/check.h) on node records written by hand: a match, an exact
// mismatch, a listed mismatch, a listed entry that matches now, an upper bound below the measurement,
// the record's key, an empty records folder; and the fatbin shrinker on a hand-built ELF.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "calibrate/check.h"
#include "calibrate/fatbin.h"
#include "calibrate/node_record.h"
#include "tests/test_graph.h"

namespace wsest::calibrate {
namespace {

TensorInfo T(const std::string& name, DataType dtype, std::vector<int64_t> dims) {
  TensorInfo t;
  t.name = name;
  t.dtype = dtype;
  t.has_shape = true;
  for (int64_t d : dims) t.dims.push_back(Dim::Known(d));
  return t;
}

// Softmax-13 over axis 0 of a float [4, 8]: not the innermost axis, so ORT transposes into two
// temp-space tensors of the input's size: 2 x 4*8*4 = 256 B, exact.
NodeView SoftmaxAxis0() {
  NodeView n;
  n.name = "sm";
  n.op_type = "Softmax";
  n.opset = 13;
  n.inputs = {T("x", DataType::kFloat, {4, 8})};
  n.outputs = {T("y", DataType::kFloat, {4, 8})};
  n.attributes["axis"] = int64_t{0};
  return n;
}

// Dropout-13 with a run-time training_mode and no mask output: the bool mask is scratch when
// training, 4*256 = 1024 B, an upper bound (training_mode may be false at run time).
NodeView DropoutRuntimeTraining() {
  NodeView n;
  n.name = "drop";
  n.op_type = "Dropout";
  n.opset = 13;
  n.inputs = {T("x", DataType::kFloat, {4, 256}), T("", DataType::kUndefined, {}), T("training", DataType::kBool, {})};
  n.inputs[1].has_shape = false;
  n.outputs = {T("y", DataType::kFloat, {4, 256})};
  return n;
}

NodeRecord Rec(const std::string& case_name, NodeView node, uint64_t measured) {
  NodeRecord r;
  r.case_name = case_name;
  r.model = "cases/" + case_name + ".onnx";
  r.key.device = "h100-sxm";
  r.key.gpu_name = "NVIDIA H100 80GB HBM3";
  r.key.sm = 90;
  r.key.sm_count = 132;
  r.key.driver = "580.82.07";
  r.key.cuda_runtime = 13000;
  r.key.cuda_driver = 13000;
  r.key.cudnn = 91300;
  r.key.cublas = 130100;
  r.key.ort = "1.29.0";
  r.node = std::move(node);
  r.scratch_bytes = measured;
  r.scratch_peak_bytes = measured;
  if (measured) r.allocations = {measured};
  r.origin = "test:1";
  return r;
}

TEST(CalibrateCheck, ExactMatch) {
  std::vector<KnownMismatch> known;
  Comparison c = CompareRecord(Rec("softmax/axis0", SoftmaxAxis0(), 256), DefaultTarget(), known);
  EXPECT_EQ(c.outcome, Outcome::kMatch) << c.message;
  EXPECT_EQ(c.family, "softmax");
  EXPECT_EQ(c.variant, "transposed");
  EXPECT_EQ(c.estimated, uint64_t{256});
  EXPECT_FALSE(IsFailure(c.outcome));
}

TEST(CalibrateCheck, ExactMismatchFailsWithBothNumbers) {
  std::vector<KnownMismatch> known;
  NodeRecord r = Rec("softmax/axis0", SoftmaxAxis0(), 300);
  r.allocations = {128, 172};
  Comparison c = CompareRecord(r, DefaultTarget(), known);
  EXPECT_EQ(c.outcome, Outcome::kMismatch);
  EXPECT_TRUE(IsFailure(c.outcome));
  EXPECT_EQ(c.message, "exact estimate differs: estimated 256 B (transposed), measured 300 B held at most (allocations: 128, 172)");
  // |256 - 300| / 300
  ASSERT_TRUE(c.relative_error.has_value());
  EXPECT_NEAR(*c.relative_error, 44.0 / 300.0, 1e-12);
}

TEST(CalibrateCheck, ListedMismatchPassesWithItsReason) {
  std::vector<KnownMismatch> known = {{"h100-sxm", "softmax/axis0", "sm", "ORT rounds the copy up", "k.tsv:1", false}};
  Comparison c = CompareRecord(Rec("softmax/axis0", SoftmaxAxis0(), 300), DefaultTarget(), known);
  EXPECT_EQ(c.outcome, Outcome::kListedMismatch);
  EXPECT_FALSE(IsFailure(c.outcome));
  EXPECT_EQ(c.message, "ORT rounds the copy up");
  EXPECT_TRUE(known[0].used);
}

TEST(CalibrateCheck, ListedEntryThatMatchesNowFails) {
  std::vector<KnownMismatch> known = {{"h100-sxm", "softmax/axis0", "sm", "was off", "k.tsv:3", false}};
  Comparison c = CompareRecord(Rec("softmax/axis0", SoftmaxAxis0(), 256), DefaultTarget(), known);
  EXPECT_EQ(c.outcome, Outcome::kListedNowMatches);
  EXPECT_TRUE(IsFailure(c.outcome));
  EXPECT_EQ(c.message, "listed at k.tsv:3 but matches now (estimated 256 B (transposed)): remove the entry");
}

TEST(CalibrateCheck, ListingIsPerDevice) {
  // The same case measured on another device is not covered by an h100-pcie entry.
  std::vector<KnownMismatch> known = {{"h100-pcie", "softmax/axis0", "sm", "other device", "k.tsv:1", false}};
  Comparison c = CompareRecord(Rec("softmax/axis0", SoftmaxAxis0(), 300), DefaultTarget(), known);
  EXPECT_EQ(c.outcome, Outcome::kMismatch);
  EXPECT_FALSE(known[0].used);
}

TEST(CalibrateCheck, UpperBoundBelowMeasurementFails) {
  std::vector<KnownMismatch> known;
  Comparison below = CompareRecord(Rec("dropout/train", DropoutRuntimeTraining(), 2048), DefaultTarget(), known);
  EXPECT_EQ(below.exactness, Exactness::kUpperBound);
  EXPECT_EQ(below.outcome, Outcome::kUpperBelow);
  EXPECT_TRUE(IsFailure(below.outcome));
  EXPECT_EQ(below.message,
            "upper bound below the measurement: estimated 1024 B (training_scratch_mask), measured 2048 B held at most "
            "(allocations: 2048)");
  // At or above the measurement (inference at run time: nothing allocated) the bound holds.
  Comparison within = CompareRecord(Rec("dropout/train", DropoutRuntimeTraining(), 0), DefaultTarget(), known);
  EXPECT_EQ(within.outcome, Outcome::kUpperOk);
}

TEST(CalibrateCheck, ExternalBytesAreComparedWhenMeasured) {
  // Softmax takes nothing outside ORT's allocators: a raw cudaMalloc seen by the shim is a mismatch.
  std::vector<KnownMismatch> known;
  NodeRecord r = Rec("softmax/axis0", SoftmaxAxis0(), 256);
  r.external_bytes = 4096;
  r.external_allocations = {4096};
  Comparison c = CompareRecord(r, DefaultTarget(), known);
  EXPECT_EQ(c.outcome, Outcome::kMismatch);
  EXPECT_NE(c.message.find("external 4096 B (allocations: 4096)"), std::string::npos) << c.message;
}

TEST(CalibrateCheck, UnknownOpIsCountedNotFailed) {
  NodeView n = SoftmaxAxis0();
  n.op_type = "NoSuchOp";
  n.domain = "com.example";
  std::vector<KnownMismatch> known;
  Comparison c = CompareRecord(Rec("x", n, 10), DefaultTarget(), known);
  EXPECT_EQ(c.outcome, Outcome::kUnknown);
  EXPECT_FALSE(IsFailure(c.outcome));
}

TEST(CalibrateCheck, OrtAdHocAllowanceIsHalfOfWeightsPlusOutputs) {
  // MatMul x [2, 8] float by a weight w [8, 16] float: weights 512 B, output [2, 16] 128 B;
  // ORT's ad-hoc cost 1.5 x 640 = 960, of which 320 B is its workspace allowance.
  NodeView n;
  n.op_type = "MatMul";
  n.opset = 13;
  n.inputs = {T("x", DataType::kFloat, {2, 8}), T("w", DataType::kFloat, {8, 16})};
  n.inputs[1].is_initializer = true;
  n.outputs = {T("y", DataType::kFloat, {2, 16})};
  EXPECT_EQ(OrtAdHocWorkspaceAllowance(n), uint64_t{320});
}

TEST(CalibrateRecord, KeyAndNodeRoundTrip) {
  NodeRecord r = Rec("softmax/axis0", SoftmaxAxis0(), 256);
  r.key.provider_options = {{"sdpa_kernel", "1"}, {"cudnn_conv_algo_search", "HEURISTIC"}};
  r.key.env = {{"ORT_DISABLE_FLASH_ATTENTION", "1"}};
  r.key.input_shapes = {{"x", {4, 8}}};
  r.node.inputs[0].dims[1] = Dim::Symbolic("seq");
  r.node.attributes["f"] = 0.5f;
  r.node.attributes["names"] = std::vector<std::string>{"a", "b"};
  r.node.attributes["empty_ints"] = std::vector<int64_t>{};
  r.ort_node_name = "sm_123";
  r.external_bytes = 0;
  r.first_run_scratch_bytes = 1024;
  r.first_run_device_used_delta = -2097152;
  r.ort_total_temp_allocations = 256;
  const std::string line = FormatNodeRecord(r);
  auto back = ParseNodeRecord(line, "f.jsonl:7");
  ASSERT_TRUE(back.ok()) << back.error().message;
  const RecordKey& k = back->key;
  EXPECT_EQ(k.device, "h100-sxm");
  EXPECT_EQ(k.gpu_name, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(k.sm, 90);
  EXPECT_EQ(k.sm_count, 132);
  EXPECT_EQ(k.driver, "580.82.07");
  EXPECT_EQ(k.cuda_runtime, 13000);
  EXPECT_EQ(k.cudnn, 91300);
  EXPECT_EQ(k.cublas, 130100);
  EXPECT_EQ(k.ort, "1.29.0");
  EXPECT_EQ(k.provider_options, r.key.provider_options);
  EXPECT_EQ(k.env, r.key.env);
  EXPECT_EQ(k.input_shapes, r.key.input_shapes);
  EXPECT_EQ(back->origin, "f.jsonl:7");
  EXPECT_EQ(back->ort_node_name, "sm_123");
  EXPECT_EQ(back->external_bytes, std::optional<uint64_t>(0));
  EXPECT_EQ(back->first_run_scratch_bytes, std::optional<uint64_t>(1024));
  EXPECT_EQ(back->first_run_device_used_delta, std::optional<int64_t>(-2097152));
  EXPECT_EQ(back->ort_total_temp_allocations, std::optional<uint64_t>(256));
  EXPECT_EQ(back->node.inputs[0].dims[1].symbol, "seq");
  EXPECT_EQ(std::get<float>(back->node.attributes.at("f")), 0.5f);
  EXPECT_EQ(std::get<std::vector<std::string>>(back->node.attributes.at("names")).size(), 2u);
  EXPECT_TRUE(std::holds_alternative<std::vector<int64_t>>(back->node.attributes.at("empty_ints")));
  EXPECT_EQ(std::get<int64_t>(back->node.attributes.at("axis")), 0);
  EXPECT_EQ(FormatNodeRecord(*back), line);

  auto target = TargetForKey(back->key);
  ASSERT_TRUE(target.ok()) << target.error().message;
  EXPECT_EQ(target->device.id, "h100-sxm");
  EXPECT_EQ(target->ep.ProviderOptionInt("sdpa_kernel", 0), 1);
  EXPECT_EQ(target->ep.Env("ORT_DISABLE_FLASH_ATTENTION"), std::optional<std::string>("1"));
}

TEST(CalibrateRecord, KeyErrors) {
  RecordKey k = Rec("c", SoftmaxAxis0(), 0).key;
  k.sm_count = 114;
  auto t = TargetForKey(k);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message,
            "record key sm_count 114 differs from profile h100-sxm's 132 (MIG slice or wrong profile?)");
  k = Rec("c", SoftmaxAxis0(), 0).key;
  k.device = "no-such-gpu";
  EXPECT_FALSE(TargetForKey(k).ok());
  k = Rec("c", SoftmaxAxis0(), 0).key;
  k.provider_options["no_such_option"] = "1";
  EXPECT_FALSE(TargetForKey(k).ok());
}

TEST(CalibrateRecord, MalformedLines) {
  auto r = ParseNodeRecord("{\"schema\": \"other/2\"}", "f:1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "f:1: schema 'other/2', expected 'wsest-node-record/1'");
  r = ParseNodeRecord("not json", "f:2");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "f:2: not a JSON object");
  std::string line = FormatNodeRecord(Rec("c", SoftmaxAxis0(), 5));
  line.replace(line.find("\"scratch_bytes\":5"), 17, "\"scratch_bytes\":-5");
  r = ParseNodeRecord(line, "f:3");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "f:3: measured.scratch_bytes is missing or not a non-negative integer");
}

TEST(CalibrateRecord, KnownMismatchTable) {
  auto k = ParseKnownMismatches("# device\tcase\tnode\treason\n\nh100-sxm\tc\tn\twhy\n", "k.tsv");
  ASSERT_TRUE(k.ok()) << k.error().message;
  ASSERT_EQ(k->size(), 1u);
  EXPECT_EQ((*k)[0].reason, "why");
  EXPECT_EQ((*k)[0].origin, "k.tsv:3");
  auto bad = ParseKnownMismatches("h100-sxm\tc\tn\n", "k.tsv");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "k.tsv:1: 3 tab-separated fields, expected 4 (device, case, node, reason)");
}

void Write(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

TEST(CalibrateCheck, EmptyFolderSaysZeroRecordsAndPasses) {
  const std::string dir = testing::TempDir("calibrate_empty");
  CheckReport report = Check(dir);
  EXPECT_TRUE(report.passed());
  std::ostringstream out;
  PrintReport(report, out);
  EXPECT_NE(out.str().find("0 records in 0 files; 0 known mismatches listed\n"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("0 records: nothing to compare yet."), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("result: PASS"), std::string::npos);
}

TEST(CalibrateCheck, FolderWithEveryOutcome) {
  const std::filesystem::path dir = testing::TempDir("calibrate_folder");
  std::string lines;
  lines += FormatNodeRecord(Rec("softmax/match", SoftmaxAxis0(), 256)) + "\n";
  lines += FormatNodeRecord(Rec("softmax/off", SoftmaxAxis0(), 300)) + "\n";
  lines += FormatNodeRecord(Rec("softmax/listed", SoftmaxAxis0(), 512)) + "\n";
  lines += "\n";
  lines += FormatNodeRecord(Rec("dropout/below", DropoutRuntimeTraining(), 2048)) + "\n";
  Write(dir / "h100-sxm" / "ort-1.29.0" / "cases.jsonl", lines);
  Write(dir / "h100-sxm" / "ort-1.28.0" / "old.jsonl", "ignored\n");
  Write(dir / "known_mismatches.tsv",
        "# device\tcase\tnode\treason\nh100-sxm\tsoftmax/listed\tsm\ttwo copies per axis\n"
        "h100-sxm\tgone\tx\tstale\n");
  CheckReport report = Check(dir.string());
  ASSERT_EQ(report.comparisons.size(), 4u);
  EXPECT_EQ(report.comparisons[0].outcome, Outcome::kMatch);
  EXPECT_EQ(report.comparisons[1].outcome, Outcome::kMismatch);
  EXPECT_EQ(report.comparisons[1].origin, (dir / "h100-sxm" / "ort-1.29.0" / "cases.jsonl").string() + ":2");
  EXPECT_EQ(report.comparisons[2].outcome, Outcome::kListedMismatch);
  EXPECT_EQ(report.comparisons[3].origin, (dir / "h100-sxm" / "ort-1.29.0" / "cases.jsonl").string() + ":5");
  EXPECT_EQ(report.comparisons[3].outcome, Outcome::kUpperBelow);
  EXPECT_FALSE(report.passed());
  std::ostringstream out;
  PrintReport(report, out);
  const std::string text = out.str();
  EXPECT_NE(text.find("4 records in 1 files; 2 known mismatches listed"), std::string::npos) << text;
  EXPECT_NE(text.find("GPU records: 4 (h100-sxm: 4)"), std::string::npos) << text;
  EXPECT_EQ(text.find("shadow records"), std::string::npos) << text;
  // softmax: 1 of 3 exact records match, 1 unlisted mismatch and 1 listed.
  EXPECT_NE(text.find("softmax            3 |     1/3 (33%)      1(1) |         - |       - |"), std::string::npos)
      << text;
  EXPECT_NE(text.find("skipped"), std::string::npos);
  EXPECT_NE(text.find("known mismatch (h100-sxm, gone, x) matches no record"), std::string::npos);
  EXPECT_NE(text.find("result: FAIL (2 failures)"), std::string::npos) << text;
}

TEST(CalibrateCheck, MalformedRecordFileFails) {
  const std::filesystem::path dir = testing::TempDir("calibrate_bad");
  Write(dir / "h100-sxm" / "ort-1.29.0" / "bad.jsonl", "{\"schema\": \"wsest-node-record/1\"}\n");
  CheckReport report = Check(dir.string());
  EXPECT_FALSE(report.passed());
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_NE(report.errors[0].find("bad.jsonl:1: missing \"case\""), std::string::npos) << report.errors[0];
}

// A minimal ELF64 with a section-name table and a .nv_fatbin holding one container of two cubin
// entries (sm_80: 16 bytes of 0xAA, sm_90: 8 bytes of 0xBB).
std::string TinyElf() {
  std::string fatbin;
  auto put = [](std::string& s, auto v) { s.append(reinterpret_cast<const char*>(&v), sizeof(v)); };
  std::string entries;
  for (auto [arch, size, byte] : {std::tuple<uint32_t, uint64_t, char>{80, 16, '\xAA'}, {90, 8, '\xBB'}}) {
    std::string h;
    put(h, uint16_t{2});   // kind: cubin
    put(h, uint16_t{0x101});
    put(h, uint32_t{64});  // header size
    put(h, size);          // payload size
    h.resize(28, '\0');
    put(h, arch);
    h.resize(64, '\0');
    entries += h + std::string(size, byte);
  }
  put(fatbin, uint32_t{0xBA55ED50});
  put(fatbin, uint16_t{1});
  put(fatbin, uint16_t{16});
  put(fatbin, uint64_t{entries.size()});
  fatbin += entries;
  const std::string names = std::string("\0.shstrtab\0.nv_fatbin\0", 22);
  std::string elf(64, '\0');
  std::memcpy(&elf[0], "\x7f" "ELF", 4);
  elf[4] = 2;
  elf[5] = 1;
  const uint64_t names_off = elf.size();
  elf += names;
  const uint64_t fatbin_off = elf.size();
  elf += fatbin;
  const uint64_t shoff = elf.size();
  auto section = [&](uint32_t name, uint64_t off, uint64_t size) {
    std::string s(64, '\0');
    std::memcpy(&s[0], &name, 4);
    std::memcpy(&s[24], &off, 8);
    std::memcpy(&s[32], &size, 8);
    elf += s;
  };
  section(0, 0, 0);
  section(1, names_off, names.size());
  section(11, fatbin_off, fatbin.size());
  const uint16_t shentsize = 64, shnum = 3, shstrndx = 1;
  std::memcpy(&elf[40], &shoff, 8);
  std::memcpy(&elf[58], &shentsize, 2);
  std::memcpy(&elf[60], &shnum, 2);
  std::memcpy(&elf[62], &shstrndx, 2);
  return elf;
}

TEST(ShrinkFatbin, ZeroesOtherArchitecturesOnly) {
  std::string elf = TinyElf();
  const std::string before = elf;
  auto st = ShrinkFatbin(elf, 90);
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(st->containers, 1u);
  EXPECT_EQ(st->entries, 2u);
  EXPECT_EQ(st->kept_bytes, 8u);
  EXPECT_EQ(st->zeroed_bytes, 16u);
  EXPECT_EQ(elf.size(), before.size());
  EXPECT_EQ(elf.find('\xAA'), std::string::npos);
  EXPECT_EQ(std::count(elf.begin(), elf.end(), '\xBB'), 8);
  std::string again = before;
  auto dry = ShrinkFatbin(again, 90, /*dry_run=*/true);
  ASSERT_TRUE(dry.ok());
  EXPECT_EQ(again, before);
}

TEST(ShrinkFatbin, Errors) {
  std::string not_elf = "hello";
  EXPECT_EQ(ShrinkFatbin(not_elf, 90).error().message, "not an ELF file");
  std::string truncated = TinyElf();
  // Claim a payload larger than the section.
  const size_t fatbin_at = truncated.find("\x50\xED\x55\xBA", 0, 4);
  ASSERT_NE(fatbin_at, std::string::npos);
  truncated[fatbin_at + 13] = '\x7f';
  auto st = ShrinkFatbin(truncated, 90);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("runs past .nv_fatbin"), std::string::npos) << st.error().message;
}

}  // namespace
}  // namespace wsest::calibrate
