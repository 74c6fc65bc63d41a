// Work over [0, n) cut into blocks that up to `threads` threads take in turn, for the passes whose
// items are independent (estimating nodes, building views). The caller's thread is one of them, so
// a library call with threads = 1 starts none.
#pragma once

#include <cstddef>
#include <functional>

namespace wsest {

// Runs work(begin, end) on each block of `block` items. A block for which work returns false, or
// throws, stops the blocks after it from starting (ones already running finish). Returns the first
// block in order that stopped, or the block count when none did; the exception of a block that threw
// is rethrown when it is that first one, so the answer is the one a single thread gives. Helpers the
// machine will not start are done without.
size_t ForEachBlock(size_t n, size_t block, int threads, const std::function<bool(size_t begin, size_t end)>& work);

}  // namespace wsest
