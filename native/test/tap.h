/* tap.h — a minimal TAP producer for the shim's C tests. */
#ifndef RSEQAGENT_TAP_H
#define RSEQAGENT_TAP_H
#include <stdio.h>
#include <stdlib.h>

static int tap_run, tap_failed;

#define ok(cond, ...)                                                               \
    do {                                                                            \
        int ok_pass_ = !!(cond);                                                    \
        tap_run++;                                                                  \
        if (!ok_pass_)                                                              \
            tap_failed++;                                                           \
        printf("%sok %d - ", ok_pass_ ? "" : "not ", tap_run);                      \
        printf(__VA_ARGS__);                                                        \
        printf(ok_pass_ ? "\n" : "  (%s:%d: %s)\n", __FILE__, __LINE__, #cond);     \
        fflush(stdout);                                                             \
    } while (0)

#define is_int(got, want, ...)                                                      \
    do {                                                                            \
        long long is_got_ = (long long)(got), is_want_ = (long long)(want);         \
        ok(is_got_ == is_want_, __VA_ARGS__);                                       \
        if (is_got_ != is_want_)                                                    \
            printf("#   got %lld, want %lld\n", is_got_, is_want_);                 \
    } while (0)

static inline int tap_done(void)
{
    printf("1..%d\n", tap_run);
    if (tap_failed)
        printf("# %d of %d failed\n", tap_failed, tap_run);
    return tap_failed ? 1 : 0;
}
#endif
