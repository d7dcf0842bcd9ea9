// The unpickler on hand-made streams: plain data, refused globals, hostile structure.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/pickle.h"

using gsv::pickle::Value;

namespace {
std::shared_ptr<const gsv::pickle::Document> parse(const std::string& bytes) {
  return gsv::pickle::load({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}, "test");
}
std::string error_of(const std::string& bytes) {
  try {
    parse(bytes);
    return "";
  } catch (const gsv::Error& e) {
    return e.what();
  }
}
}  // namespace

TEST(Pickle, PlainContainers) {
  // pickle.dumps({"a": [1, -2, 3.5, "x", None, True], "b": (7,)}, protocol=2)
  const unsigned char raw[] = {0x80, 0x02, 0x7d, 0x71, 0x00, 0x28, 0x58, 0x01, 0x00, 0x00, 0x00, 0x61, 0x71, 0x01, 0x5d, 0x71, 0x02, 0x28, 0x4b, 0x01, 0x4a, 0xfe, 0xff, 0xff, 0xff, 0x47, 0x40, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x58, 0x01, 0x00, 0x00, 0x00, 0x78, 0x71, 0x03, 0x4e, 0x88, 0x65, 0x58, 0x01, 0x00, 0x00, 0x00, 0x62, 0x71, 0x04, 0x4b, 0x07, 0x85, 0x71, 0x05, 0x75, 0x2e};
  std::string p(reinterpret_cast<const char*>(raw), sizeof(raw));
  auto doc = parse(p);
  const Value& root = doc->root();
  ASSERT_EQ(root.kind, Value::Kind::Dict);
  const Value* a = root.get("a");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->items.size(), 6u);
  EXPECT_EQ(a->items[0]->integer, 1);
  EXPECT_EQ(a->items[1]->integer, -2);
  EXPECT_DOUBLE_EQ(a->items[2]->real, 3.5);
  EXPECT_EQ(a->items[3]->text, "x");
  EXPECT_EQ(a->items[4]->kind, Value::Kind::None);
  EXPECT_TRUE(a->items[5]->boolean);
  EXPECT_EQ(root.get("b")->items[0]->integer, 7);
}

TEST(Pickle, RefusesUnknownGlobals) {
  // GLOBAL 'os system' + REDUCE: the error names the global, and nothing runs.
  std::string err = error_of(std::string("\x80\x02" "cos\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.", 31));
  EXPECT_NE(err.find("os.system"), std::string::npos) << err;
  EXPECT_NE(error_of("\x80\x02" "cbuiltins\neval\n."), "");
  EXPECT_NE(error_of("\x80\x02" "csubprocess\nPopen\n."), "");
}

TEST(Pickle, RejectsMalformedStreams) {
  EXPECT_NE(error_of(""), "");                          // nothing at all
  EXPECT_NE(error_of("\x80\x02]"), "");                 // no STOP
  EXPECT_NE(error_of("\x80\x02" "a."), "");             // APPEND with an empty stack
  EXPECT_NE(error_of("\x80\x02X\xff\xff\xff\x7f" "abc."), "");  // string length past the end
  EXPECT_NE(error_of("\x80\x02h\x05."), "");            // memo never stored
  EXPECT_NE(error_of("\x80\x02\xff."), "");             // unknown opcode
  EXPECT_NE(error_of("\x80\x02]]."), "");               // two values left on the stack
}

TEST(Pickle, RejectsCyclesAndDeepNesting) {
  // l = []; l.append(l)  ->  EMPTY_LIST BINPUT 0 BINGET 0 APPEND STOP
  std::string cycle("\x80\x02]q\x00h\x00" "a.", 9);
  EXPECT_NE(error_of(cycle).find("cycle"), std::string::npos);
  // 100k nested lists: refused by depth, and destroyed without recursion.
  std::string deep = "\x80\x02";
  for (int i = 0; i < 100000; ++i) deep += "]";
  for (int i = 0; i < 99999; ++i) deep += "a";
  deep += ".";
  EXPECT_NE(error_of(deep).find("nesting"), std::string::npos);
  // A shared subtree reached again from deeper down still counts its full depth: a 150-deep
  // list, memoised, then appended inside 100 more levels.
  std::string shared2 = "\x80\x02";
  for (int i = 0; i < 150; ++i) shared2 += "]";
  for (int i = 0; i < 149; ++i) shared2 += "a";
  shared2 += std::string("q\x00" "0", 3);  // memo it and pop it
  for (int i = 0; i < 100; ++i) shared2 += "]";
  shared2 += std::string("h\x00", 2);
  for (int i = 0; i < 100; ++i) shared2 += "a";
  shared2 += ".";
  EXPECT_NE(error_of(shared2).find("nesting"), std::string::npos) << error_of(shared2);
  // The same list seen first at the top of a tuple (deep, nested(deep)): the second sighting is a
  // finished subtree whose remembered height must still count.
  std::string shared3 = "\x80\x02";
  for (int i = 0; i < 150; ++i) shared3 += "]";
  for (int i = 0; i < 149; ++i) shared3 += "a";
  shared3 += std::string("q\x00", 2);
  for (int i = 0; i < 100; ++i) shared3 += "]";
  shared3 += std::string("h\x00", 2);
  for (int i = 0; i < 100; ++i) shared3 += "a";
  shared3 += "\x86.";
  EXPECT_NE(error_of(shared3).find("nesting"), std::string::npos) << error_of(shared3);
}

TEST(Pickle, HParamsBecomesPlainObject) {
  // class HParams with state {"k": 1} pickled by protocol 2: GLOBAL utils HParams, NEWOBJ, BUILD.
  std::string p("\x80\x02" "cutils\nHParams\nq\x00)\x81q\x01}q\x02X\x01\x00\x00\x00kq\x03K\x01sb.", 39);
  auto doc = parse(p);
  EXPECT_EQ(doc->root().kind, Value::Kind::Object);
  EXPECT_EQ(doc->root().text, "utils.HParams");
  ASSERT_NE(doc->root().get("k"), nullptr);
  EXPECT_EQ(doc->root().get("k")->integer, 1);
}
