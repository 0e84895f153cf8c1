/*
 * glibc_compat.h — force-included into the shipped shim only (Makefile:
 * -include). glibc 2.34 merged libdl and libpthread into libc and gave their
 * functions new default versions (pthread_sigmask too, in 2.32), so a shim
 * linked here against glibc 2.36 would refuse to load on older glibc ("version
 * GLIBC_2.34 not found"): RHEL 7 and 8, Debian 11, Ubuntu 20.04. Binding each
 * to its first version keeps glibc 2.17 enough; newer glibc keeps those
 * versions, and the JVM has libdl and libpthread loaded where they are apart.
 * test/check_glibc_versions.sh fails the build if the shim needs newer.
 */
#ifndef RSEQAGENT_GLIBC_COMPAT_H
#define RSEQAGENT_GLIBC_COMPAT_H

#define RSEQAGENT_SYMVER(sym, version) __asm__(".symver " #sym "," #sym "@" version);

#if defined(__x86_64__)
RSEQAGENT_SYMVER(dlopen, "GLIBC_2.2.5")
RSEQAGENT_SYMVER(dlsym, "GLIBC_2.2.5")
RSEQAGENT_SYMVER(dlclose, "GLIBC_2.2.5")
RSEQAGENT_SYMVER(dlinfo, "GLIBC_2.3.3")
RSEQAGENT_SYMVER(pthread_key_create, "GLIBC_2.2.5")
RSEQAGENT_SYMVER(pthread_once, "GLIBC_2.2.5")
RSEQAGENT_SYMVER(pthread_setspecific, "GLIBC_2.2.5")
RSEQAGENT_SYMVER(pthread_sigmask, "GLIBC_2.2.5")
RSEQAGENT_SYMVER(pthread_condattr_setclock, "GLIBC_2.3.3")
#elif defined(__aarch64__) /* aarch64 began at glibc 2.17: one version for all */
RSEQAGENT_SYMVER(dlopen, "GLIBC_2.17")
RSEQAGENT_SYMVER(dlsym, "GLIBC_2.17")
RSEQAGENT_SYMVER(dlclose, "GLIBC_2.17")
RSEQAGENT_SYMVER(dlinfo, "GLIBC_2.17")
RSEQAGENT_SYMVER(pthread_key_create, "GLIBC_2.17")
RSEQAGENT_SYMVER(pthread_once, "GLIBC_2.17")
RSEQAGENT_SYMVER(pthread_setspecific, "GLIBC_2.17")
RSEQAGENT_SYMVER(pthread_sigmask, "GLIBC_2.17")
RSEQAGENT_SYMVER(pthread_condattr_setclock, "GLIBC_2.17")
#endif

#endif
