// source_commit_test.cc - the commit a run names is marked dirty by source changes only, not by the
// files the results scripts are writing during the run (scratch git repository).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "machine_info.h"

namespace {

namespace fs = std::filesystem;

void write(const fs::path &p, const std::string &text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

int sh(const std::string &cmd) {
    return std::system(cmd.c_str());
}

class SourceCommit : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/wfisbench-commit.XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        write(dir_ / "src/a.c", "int x;\n");
        write(dir_ / "README.md", "intro\n");
        write(dir_ / "results/bench.txt", "old\n");
        write(dir_ / "docs/results.md", "old\n");
        write(dir_ / "docs/bench.md", "old\n");
        const std::string git = "git -C '" + dir_.string() + "' ";
        ASSERT_EQ(sh(git + "init -q . && " + git + "add -A && " + git +
                     "-c user.email=t@example.invalid -c user.name=t commit -qm base"),
                  0);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_F(SourceCommit, CleanTreeNamesItsCommit) {
    const std::string c = wfisbench::source_commit(dir_.string());
    EXPECT_EQ(c.size(), 40u) << c;
}

TEST_F(SourceCommit, ResultsBeingWrittenDoNotMakeItDirty) {
    write(dir_ / "results/bench.txt", "new\n");
    write(dir_ / "docs/results.md", "new\n");
    write(dir_ / "README.md", "intro\nnew summary\n");
    write(dir_ / "results/new.json", "{}\n");  // untracked: never counted
    const std::string c = wfisbench::source_commit(dir_.string());
    EXPECT_EQ(c.size(), 40u) << c;
}

TEST_F(SourceCommit, ASourceOrDocChangeMakesItDirty) {
    write(dir_ / "src/a.c", "int y;\n");
    std::string c = wfisbench::source_commit(dir_.string());
    EXPECT_EQ(c.substr(c.size() - 6), "-dirty") << c;
    sh("git -C '" + dir_.string() + "' checkout -q src/a.c");
    write(dir_ / "docs/bench.md", "changed\n");
    c = wfisbench::source_commit(dir_.string());
    EXPECT_EQ(c.substr(c.size() - 6), "-dirty") << c;
}

TEST(SourceCommitOutsideGit, IsEmpty) {
    EXPECT_EQ(wfisbench::source_commit(""), "");
    EXPECT_EQ(wfisbench::source_commit("/proc"), "");
}

}  // namespace
