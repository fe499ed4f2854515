/*
 * rusage OUT PROGRAM [ARG]...: runs PROGRAM (a path) as a child, waits for it
 * with wait4(2) and writes "WALL_SECONDS MAXRSS_KIB EXIT_STATUS" to OUT
 * (exit status 128+N for a death by signal N).
 *
 * tests/bench/side_by_side.py measures every tool through this launcher
 * because a process's ru_maxrss also counts the memory it had before
 * exec(): a child spawned straight from the Python script would report the
 * script's own RSS (about 20 MiB) whenever the tool uses less. Forked from
 * this small process, a child starts from about 1 MiB, which the script
 * measures (a run of /bin/true) and reports as the floor.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: rusage OUT PROGRAM [ARG]...\n");
        return 2;
    }
    FILE *out = fopen(argv[1], "we");
    if (out == NULL) {
        perror(argv[1]);
        return 2;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        execv(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    int status;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0) {
        perror("wait4");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double wall = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    fprintf(out, "%.9f %ld %d\n", wall, usage.ru_maxrss, code);
    return fclose(out) == 0 ? 0 : 2;
}
