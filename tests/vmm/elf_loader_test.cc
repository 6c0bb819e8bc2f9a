// elf_loader_test.cc - the multiboot ELF32 loader accepts a valid image and rejects malformed ones.
#include "elf_loader.h"

#include <elf.h>
#include <gtest/gtest.h>

#include <cstring>

#include "multiboot_info.h"

namespace wfisvm {
namespace {

constexpr uint32_t kLoad = 0x100000;

// A minimal image: ELF header, one PT_LOAD (R+X) with a multiboot header
// and two code bytes, entry just after the multiboot header.
std::vector<uint8_t> make_image() {
    std::vector<uint8_t> img(0x1000 + 16, 0);
    Elf32_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_386;
    eh.e_version = EV_CURRENT;
    eh.e_entry = kLoad + 12;
    eh.e_phoff = sizeof eh;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf32_Phdr);
    eh.e_phnum = 1;
    std::memcpy(img.data(), &eh, sizeof eh);
    Elf32_Phdr ph{};
    ph.p_type = PT_LOAD;
    ph.p_offset = 0x1000;
    ph.p_vaddr = ph.p_paddr = kLoad;
    ph.p_filesz = 16;
    ph.p_memsz = 0x2000;
    ph.p_flags = PF_R | PF_X;
    std::memcpy(img.data() + sizeof eh, &ph, sizeof ph);
    uint32_t mb[3] = {0x1BADB002u, 0, static_cast<uint32_t>(-0x1BADB002)};
    std::memcpy(img.data() + 0x1000, mb, sizeof mb);
    img[0x1000 + 12] = 0xeb;  // jmp .
    img[0x1000 + 13] = 0xfe;
    return img;
}

Elf32_Ehdr *ehdr(std::vector<uint8_t> &img) {
    return reinterpret_cast<Elf32_Ehdr *>(img.data());
}
Elf32_Phdr *phdr(std::vector<uint8_t> &img) {
    return reinterpret_cast<Elf32_Phdr *>(img.data() + sizeof(Elf32_Ehdr));
}

class ElfLoader : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string err;
        ASSERT_TRUE(mem.allocate(4u << 20, &err)) << err;
    }
    std::string load_error(const std::vector<uint8_t> &img) {
        LoadedImage li;
        std::string err;
        EXPECT_FALSE(load_multiboot_elf(img, kKernelMinGpa, &mem, &li, &err));
        EXPECT_EQ(err.find('\n'), std::string::npos);
        return err;
    }
    GuestMemory mem;
};

TEST_F(ElfLoader, LoadsAValidImage) {
    auto img = make_image();
    // Dirty the bss area first: the loader must zero it.
    std::memset(mem.at(kLoad, 0x2000), 0xaa, 0x2000);
    LoadedImage li;
    std::string err;
    ASSERT_TRUE(load_multiboot_elf(img, kKernelMinGpa, &mem, &li, &err)) << err;
    EXPECT_EQ(li.entry, kLoad + 12);
    EXPECT_EQ(li.lowest, kLoad);
    EXPECT_EQ(li.highest, kLoad + 0x2000u);
    EXPECT_EQ(*mem.at(kLoad + 12, 1), 0xeb);
    EXPECT_EQ(*mem.at(kLoad + 0x1fff, 1), 0);
}

TEST_F(ElfLoader, RejectsMalformedImages) {
    EXPECT_NE(load_error({}).find("too small"), std::string::npos);
    auto img = make_image();
    img[1] = 'X';
    EXPECT_NE(load_error(img).find("bad magic"), std::string::npos);
    img = make_image();
    img[EI_CLASS] = ELFCLASS64;
    EXPECT_NE(load_error(img).find("ELF32"), std::string::npos);
    img = make_image();
    ehdr(img)->e_phnum = 60000;
    EXPECT_NE(load_error(img).find("program header"), std::string::npos);
    img = make_image();
    ehdr(img)->e_phoff = 0xfffffff0u;
    EXPECT_NE(load_error(img).find("program header"), std::string::npos);
    img = make_image();
    phdr(img)->p_filesz = 0x3000;
    EXPECT_NE(load_error(img).find("outside the file"), std::string::npos);
    img = make_image();
    phdr(img)->p_offset = 0xffffff00u;
    EXPECT_NE(load_error(img).find("outside the file"), std::string::npos);
    img = make_image();
    phdr(img)->p_paddr = 0x1000;  // below 1 MiB
    EXPECT_NE(load_error(img).find("outside guest RAM"), std::string::npos);
    img = make_image();
    phdr(img)->p_paddr = 0xfffff000u;  // wraps past 4 GiB / beyond RAM
    phdr(img)->p_memsz = 0x2000;
    EXPECT_NE(load_error(img).find("outside guest RAM"), std::string::npos);
    img = make_image();
    ehdr(img)->e_entry = 0x500000;
    EXPECT_NE(load_error(img).find("entry point"), std::string::npos);
    img = make_image();
    phdr(img)->p_flags = PF_R;
    EXPECT_NE(load_error(img).find("entry point"), std::string::npos);
    img = make_image();
    std::memset(img.data() + 0x1000, 0, 12);
    EXPECT_NE(load_error(img).find("multiboot"), std::string::npos);
    img = make_image();
    phdr(img)->p_type = PT_NOTE;
    EXPECT_NE(load_error(img).find("no loadable segment"), std::string::npos);
}

TEST_F(ElfLoader, GuestMemoryAccessorIsBoundsChecked) {
    EXPECT_NE(mem.at(0, mem.size()), nullptr);
    EXPECT_EQ(mem.at(1, mem.size()), nullptr);
    EXPECT_EQ(mem.at(mem.size(), 1), nullptr);
    EXPECT_NE(mem.at(mem.size(), 0), nullptr);
    EXPECT_EQ(mem.at(UINT64_MAX, 2), nullptr);
    EXPECT_EQ(mem.at(8, UINT64_MAX), nullptr);
}

TEST_F(ElfLoader, MultibootInfoCarriesTheCommandLine) {
    uint32_t gpa = 0;
    std::string err;
    ASSERT_TRUE(write_multiboot_info(&mem, "timer=pv hz=100", &gpa, &err)) << err;
    const uint32_t *info = reinterpret_cast<const uint32_t *>(mem.at(gpa, 88));
    ASSERT_NE(info, nullptr);
    EXPECT_TRUE(info[0] & 4u);
    EXPECT_STREQ(reinterpret_cast<const char *>(mem.at(info[4], 16)), "timer=pv hz=100");
    EXPECT_FALSE(write_multiboot_info(&mem, std::string(5000, 'x'), &gpa, &err));
    EXPECT_NE(err.find("command line"), std::string::npos);
}

}  // namespace
}  // namespace wfisvm
