/* maxrss OUT COMMAND [ARG...]: run COMMAND, wait for it, write its peak resident memory in KB
 * (ru_maxrss from wait4, its reaped children included) to the file OUT; exit with its exit code.
 *
 * Why a C launcher rather than wait4 in measure.py: on Linux a child's ru_maxrss starts from the peak
 * RSS of the process that forked it (exec keeps the high-water mark of the memory it replaces), so a
 * python3 parent would put its own ~15 MB under every figure. This launcher is a few hundred KB.
 * Built by run.sh with `cc`. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: maxrss OUT COMMAND [ARG...]\n");
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("maxrss: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror("maxrss: exec");
        _exit(127);
    }
    int status;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0) {
        perror("maxrss: wait4");
        return 2;
    }
    FILE *out = fopen(argv[1], "w");
    if (!out) {
        perror("maxrss: open OUT");
        return 2;
    }
    fprintf(out, "%ld\n", usage.ru_maxrss);
    fclose(out);
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}
