#include "src/block_threads.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <system_error>
#include <thread>
#include <vector>

namespace wsest {

size_t ForEachBlock(size_t n, size_t block, int threads, const std::function<bool(size_t begin, size_t end)>& work) {
  const size_t blocks = block == 0 ? 0 : (n + block - 1) / block;
  std::vector<std::exception_ptr> thrown(blocks);
  std::atomic<size_t> next_block{0};
  std::atomic<size_t> first_stopped{blocks};
  auto stop = [&](size_t b) {
    size_t seen = first_stopped.load();
    while (b < seen && !first_stopped.compare_exchange_weak(seen, b)) {
    }
  };
  auto take_blocks = [&] {
    for (size_t b = next_block++; b < blocks && b < first_stopped.load(); b = next_block++) {
      try {
        if (!work(b * block, std::min(n, (b + 1) * block))) stop(b);
      } catch (...) {
        thrown[b] = std::current_exception();
        stop(b);
      }
    }
  };
  const int wanted = std::clamp(threads, 1, static_cast<int>(std::min<size_t>(std::max<size_t>(blocks, 1), 64)));
  std::vector<std::thread> helpers;
  helpers.reserve(static_cast<size_t>(wanted - 1));
  for (int t = 1; t < wanted; ++t) {
    try {
      helpers.emplace_back(take_blocks);
    } catch (const std::system_error&) {
      break;
    }
  }
  take_blocks();
  for (auto& t : helpers) t.join();
  const size_t first = first_stopped.load();
  if (first < blocks && thrown[first]) std::rethrow_exception(thrown[first]);
  return first;
}

}  // namespace wsest
