/* test_double_free.c, built as test_double_free_debug — the debug build (RSEQAGENT_DEBUG) catches
 * double frees exactly: each case runs in a child that must die by SIGABRT
 * with the allocator's message; correct use must not abort. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rseqagent.h"
#include "tap.h"

static void small_double_free(void)
{
    void *p = rseqagent_malloc(64);
    rseqagent_free(p);
    rseqagent_free(p);
}

static void large_double_free(void)
{
    void *p = rseqagent_malloc(1 << 20);
    rseqagent_free(p);
    rseqagent_free(p);
}

static void interior_free(void)
{
    char *p = rseqagent_malloc(256);
    rseqagent_free(p + 16);
}

static void correct_use(void)
{
    for (int i = 0; i < 100000; i++) {
        void *p = rseqagent_malloc((size_t)(i % 4000) + 1);
        rseqagent_free(p);
    }
}

/* Run fn in a child; returns its wait status and what it printed on stderr. */
static int in_child(void (*fn)(void), char *err, size_t cap)
{
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], 2);
        fn();
        _exit(0);
    }
    close(pipefd[1]);
    ssize_t n = read(pipefd[0], err, cap - 1);
    err[n > 0 ? n : 0] = 0;
    close(pipefd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

static void expect_abort(void (*fn)(void), const char *what, const char *message)
{
    char err[512];
    int status = in_child(fn, err, sizeof(err));
    ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && strstr(err, message) != NULL,
       "%s: aborts with \"%s\" (stderr: %s)", what, message, err);
}

int main(void)
{
    expect_abort(small_double_free, "double free of a small block", "double free");
    expect_abort(large_double_free, "double free of a large block", "not a live block");
    expect_abort(interior_free, "free of an interior pointer", "not a live block");
    char err[512];
    int status = in_child(correct_use, err, sizeof(err));
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "correct use does not abort");
    return tap_done();
}
