import Engine
#if canImport(Glibc)
import Glibc
#endif

/// docker's rule for `-it`: the container's pty is fed from this process's stdin, which must
/// then be a terminal too (from a pipe, the pty would echo every line back).
enum TerminalCheck {
    static func inputIsATerminal(tty: Bool, interactive: Bool) throws {
        guard tty, interactive, isatty(STDIN_FILENO) == 0 else { return }
        throw EngineError.invalid("the input device is not a TTY (leave out -t to read a pipe or a file)")
    }
}
