import ArgumentParser

struct Corral: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corral",
        abstract: "Isolated Linux containers with live CPU quotas, and a TUI to watch and tune them.",
        discussion: """
            State lives in /run/corral (--root, $CORRAL_ROOT), images in /var/lib/corral \
            ($CORRAL_IMAGES), container cgroups under "corral" ($CORRAL_CGROUP_PARENT).
            """,
        version: "corral 0.1.0",
        subcommands: [
            Run.self, Ps.self, Stats.self, Update.self, Start.self, Stop.self, Restart.self, Kill.self, Wait.self, Pause.self, Resume.self,
            Rm.self, Inspect.self, Logs.self, Exec.self, ImageCommand.self, Top.self, Demo.self, BenchEngine.self,
        ])
}
