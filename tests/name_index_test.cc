// src/name_index.h: the flat index the graph passes look names up in.
#include "src/name_index.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wsest {
namespace {

TEST(NameIndex, GivesEachNameTheNextIndexOnceAndFindsItAgain) {
  NameIndex index;
  EXPECT_EQ(index.Add("a"), std::make_pair(0u, true));
  EXPECT_EQ(index.Add("b"), std::make_pair(1u, true));
  EXPECT_EQ(index.Add("a"), std::make_pair(0u, false));
  EXPECT_EQ(index.Add(""), std::make_pair(2u, true));  // an empty name is a name like any other
  EXPECT_EQ(index.size(), 3u);
  EXPECT_EQ(index.Find("b"), 1u);
  EXPECT_EQ(index.Find(""), 2u);
  EXPECT_EQ(index.Find("c"), NameIndex::kAbsent);
  EXPECT_EQ(index.Find("ab"), NameIndex::kAbsent);
}

// Sized for nothing, it rehashes from 16 slots to 32768 on the way to 10,000 names; every name keeps
// the index it was given, and names that differ only in their last character stay apart.
TEST(NameIndex, KeepsEveryIndexThroughItsRehashes) {
  std::vector<std::string> names;
  for (int i = 0; i < 10000; ++i)
    names.push_back("/layers." + std::to_string(i / 10) + "/out_" + std::to_string(i % 10));
  NameIndex index;
  for (size_t i = 0; i < names.size(); ++i)
    ASSERT_EQ(index.Add(names[i]), std::make_pair(uint32_t(i), true)) << names[i];
  EXPECT_EQ(index.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(index.Find(names[i]), i) << names[i];
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(index.Add(names[i]), std::make_pair(uint32_t(i), false));
  EXPECT_EQ(index.Find("/layers.1000/out_0"), NameIndex::kAbsent);
}

}  // namespace
}  // namespace wsest
