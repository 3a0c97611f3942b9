import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// An error in the test harness itself, with a message that says what to do.
struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The `attache` executable under test: `$ATTACHE_BIN` when set, else
/// `<package root>/.build/debug/attache`.
enum AttacheBinary {
    /// The package root, derived from this file's location.
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        // <root>/Tests/EndToEndTests/Runner.swift → <root>
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The binary's path, or an error telling how to get one.
    static func path() throws -> String {
        if let p = ProcessInfo.processInfo.environment["ATTACHE_BIN"], !p.isEmpty {
            guard access(p, X_OK) == 0 else {
                throw HarnessError("ATTACHE_BIN=\(p) is not an executable file")
            }
            return p
        }
        let p = packageRoot + "/.build/debug/attache"
        guard access(p, X_OK) == 0 else {
            throw HarnessError(
                "the end-to-end tests run the attache binary, and there is none at \(p): run `swift build` first "
                    + "(`make test` does), or point ATTACHE_BIN at one")
        }
        return p
    }
}

/// What a finished process did.
struct RunResult: CustomStringConvertible {
    var command: [String]
    /// The exit status; 128 + N when the process was killed by signal N.
    var exitCode: Int32
    /// The signal that killed the process, if one did.
    var signal: Int32?
    /// The harness killed the process because it ran longer than its time limit.
    var timedOut: Bool
    var stdoutBytes: [UInt8]
    var stderrBytes: [UInt8]

    var stdout: String { String(decoding: stdoutBytes, as: UTF8.self) }
    var stderr: String { String(decoding: stderrBytes, as: UTF8.self) }

    /// For failure messages: the command, how it ended and what it printed.
    var description: String {
        let how = timedOut ? "TIMED OUT (killed)" : signal.map { "killed by signal \($0)" } ?? "exit \(exitCode)"
        return "`\(command.joined(separator: " "))` → \(how)\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)"
    }
}

/// A running child process: its stdin is /dev/null, stdout and stderr go to files that are
/// read when it ends. It can be signalled, and its open files inspected (/proc).
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    let command: [String]
    private let outputDir: String
    private var finishedStatus: Int32?

    /// Starts `argv` (argv[0] an absolute path) in `cwd` with `environment` (every variable).
    init(_ argv: [String], cwd: String, environment: [String: String]) throws {
        command = argv
        var template = Array("/tmp/attache-e2e-out-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw HarnessError("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        outputDir = String(cString: made)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputDir + "/stdout", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, outputDir + "/stderr", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard let addchdir = ChildProcess.addchdir else {
            throw HarnessError("this C library has no posix_spawn_file_actions_addchdir_np (glibc 2.29 or later is needed)")
        }
        _ = addchdir(&actions, cwd)

        // Default dispositions and no blocked signals, whatever the test runner set.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGINT, SIGTERM, SIGPIPE, SIGCHLD, SIGQUIT] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let args: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let env: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in args { free(p) }
            for p in env { free(p) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, argv[0], &actions, &attributes, args, env)
        guard rc == 0 else {
            try? FileManager.default.removeItem(atPath: outputDir)
            throw HarnessError("cannot start \(argv[0]): \(String(cString: strerror(rc)))")
        }
        pid = child
    }

    /// glibc's posix_spawn_file_actions_addchdir_np (2.29+), which Swift's Glibc module does not expose.
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addchdir: AddChdir? = {
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(sym, to: AddChdir.self)
    }()

    deinit {
        if finishedStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        try? FileManager.default.removeItem(atPath: outputDir)
    }

    func send(_ signal: Int32) { kill(pid, signal) }

    /// Whether the process is still running (reaps it when it has ended).
    var isRunning: Bool {
        if finishedStatus != nil { return false }
        var status: Int32 = 0
        let rc = waitpid(pid, &status, WNOHANG)
        if rc == pid { finishedStatus = status; return false }
        if rc < 0 && errno != EINTR { finishedStatus = 0x7f00; return false }  // not our child any more
        return true
    }

    /// The paths of the files the process has open now (readlink of /proc/PID/fd/*).
    func openFiles() -> [String] {
        let dir = "/proc/\(pid)/fd"
        guard let fds = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        return fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/" + $0) }
    }

    /// What the process has written to stderr so far.
    func stderrSoFar() -> String {
        String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: outputDir + "/stderr"))) ?? Data(), as: UTF8.self)
    }

    /// Waits for the process to end; after `timeout` seconds it is killed and the result says
    /// so (and the current test records an issue), so a hung command fails instead of hanging.
    func wait(timeout: Double) -> RunResult {
        let deadline = Date(timeIntervalSinceNow: timeout)
        var timedOut = false
        while isRunning {
            if Date() > deadline {
                timedOut = true
                kill(pid, SIGKILL)
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                finishedStatus = status
                break
            }
            usleep(5_000)
        }
        let status = finishedStatus ?? 0
        var code: Int32
        var signal: Int32?
        if status & 0x7f == 0 {
            code = (status >> 8) & 0xff  // WEXITSTATUS
        } else {
            signal = status & 0x7f  // WTERMSIG
            code = 128 + signal!
        }
        let out = (try? Data(contentsOf: URL(fileURLWithPath: outputDir + "/stdout"))) ?? Data()
        let err = (try? Data(contentsOf: URL(fileURLWithPath: outputDir + "/stderr"))) ?? Data()
        let result = RunResult(command: command, exitCode: code, signal: signal, timedOut: timedOut,
                               stdoutBytes: [UInt8](out), stderrBytes: [UInt8](err))
        if timedOut { Issue.record("the command ran longer than \(Int(timeout)) s and was killed: \(result)") }
        return result
    }
}

/// Runs the attache binary the way a user does.
enum CLI {
    /// 65534: `nobody` on Debian.
    static let nobody: UInt32 = 65534

    /// setpriv, which runs a command as another user (util-linux).
    static let setpriv: String? = ["/usr/bin/setpriv", "/bin/setpriv"].first { access($0, X_OK) == 0 }

    /// Whether a test can run attache as an ordinary user: root and setpriv are needed.
    static var canRunAsNobody: Bool { geteuid() == 0 && setpriv != nil }

    /// The variables every run gets: this process's, without the test seams, plus `env`.
    static func environment(_ env: [String: String]) -> [String: String] {
        var all = ProcessInfo.processInfo.environment
        all["ATTACHE_FAULT_READ_DELAY_MS"] = nil
        for (k, v) in env { all[k] = v }
        return all
    }

    /// Starts `attache ARGS` in `cwd`; as user nobody (through setpriv) when `asNobody`.
    /// `binary` overrides the binary under test (e.g. a copy nobody can execute).
    static func start(_ args: [String], cwd: String, env: [String: String] = [:], asNobody: Bool = false,
                      binary: String? = nil) throws -> ChildProcess {
        let bin = try binary ?? AttacheBinary.path()
        var argv = [bin] + args
        if asNobody {
            guard let setpriv else { throw HarnessError("setpriv is not installed (util-linux)") }
            argv = [setpriv, "--reuid=\(nobody)", "--regid=\(nobody)", "--clear-groups"] + argv
        }
        return try ChildProcess(argv, cwd: cwd, environment: environment(env))
    }

    /// Runs `attache ARGS` in `cwd` to its end (killed after `timeout` seconds).
    static func run(_ args: [String], cwd: String, env: [String: String] = [:], asNobody: Bool = false,
                    binary: String? = nil, timeout: Double = 60) throws -> RunResult {
        try start(args, cwd: cwd, env: env, asNobody: asNobody, binary: binary).wait(timeout: timeout)
    }

    /// Runs any program (absolute path) to its end.
    static func runTool(_ argv: [String], cwd: String = "/", timeout: Double = 60) throws -> RunResult {
        try ChildProcess(argv, cwd: cwd, environment: environment([:])).wait(timeout: timeout)
    }
}
