# aarch64-linux-gnu.toolchain.cmake - CMake toolchain: Debian's aarch64 cross compilers, binaries run under qemu-user.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# Debian's multiarch cross sysroot (libc6-dev-arm64-cross, libstdc++-12-dev-arm64-cross).
set(WFISLEEP_CROSS_SYSROOT /usr/aarch64-linux-gnu)
list(APPEND CMAKE_FIND_ROOT_PATH ${WFISLEEP_CROSS_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
# Packages: the sysroot, or an explicit <Pkg>_DIR (the aarch64 GoogleTest we build).
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# try_run, gtest discovery and add_test(COMMAND <target>) go through qemu-user.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L ${WFISLEEP_CROSS_SYSROOT})
