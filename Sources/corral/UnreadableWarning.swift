import Engine

/// Listings leave out a container whose state file is damaged; they name it on stderr instead,
/// with the way to remove it, so it doesn't just vanish.
func warnAboutUnreadableContainers(_ runtime: Runtime) {
    for name in runtime.unreadable() {
        warn("container \(name) has a damaged state file and is not listed; `corral rm -f \(name)` removes it")
    }
}
