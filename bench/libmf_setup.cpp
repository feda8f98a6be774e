// LIBMF's in-memory setup beside its epochs, for `npm run bench:setup -- --libmf <folder>` (the folder of LIBMF's
// source, built with its Makefile: mf.h and mf.o). Reads the bench's ratings (row indices, column indices, float32
// values, each as a raw little-endian array), builds LIBMF's problem from them before any timing, then prints a line
// just before mf_train(): LIBMF prints a line after each iteration (with its training loss), and the bench times
// the lines as they come. Usage: libmf_setup <file> <ratings> <rows> <cols> <copy_data: 0 or 1>
#include "mf.h"
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: libmf_setup <file> <ratings> <rows> <cols> <copy_data: 0 or 1>" << std::endl;
    return 2;
  }
  const long count = std::atol(argv[2]);
  std::vector<int> rows(count), cols(count);
  std::vector<float> values(count);
  FILE* file = std::fopen(argv[1], "rb");
  if (!file || std::fread(rows.data(), 4, count, file) != size_t(count) || std::fread(cols.data(), 4, count, file) != size_t(count) ||
      std::fread(values.data(), 4, count, file) != size_t(count)) {
    std::cerr << "libmf_setup: cannot read " << count << " ratings from " << argv[1] << std::endl;
    return 1;
  }
  std::fclose(file);
  mf::mf_problem problem;
  problem.m = std::atoi(argv[3]);
  problem.n = std::atoi(argv[4]);
  problem.nnz = count;
  problem.R = new mf::mf_node[count];
  for (long p = 0; p < count; p++) problem.R[p] = mf::mf_node{rows[p], cols[p], values[p]};
  // The bench's fit: sgd rank 40, 3 iterations, one thread (LIBMF's defaults otherwise: 20 bins, its learning rate).
  mf::mf_parameter parameter = mf::mf_get_default_param();
  parameter.k = 40;
  parameter.nr_iters = 3;
  parameter.nr_threads = 1;
  parameter.copy_data = argv[5][0] == '1';
  std::cout << "start" << std::endl;
  mf::mf_model* model = mf::mf_train(&problem, parameter);
  std::cout << "end" << std::endl;
  mf::mf_destroy_model(&model);
  return 0;
}
