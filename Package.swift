// swift-tools-version:5.9
import PackageDescription

let package = Package(
    name: "corral",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "corral", targets: ["corral"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "TUI", targets: ["TUI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The code that runs between clone() and execve(), plus the per-container supervisor
        // loop: C, because only async-signal-safe code may run in a child forked from Swift.
        .target(name: "CSpawn", linkerSettings: [.linkedLibrary("cap")]),
        // libarchive for image extraction (hostile-input safe extract flags): headers from
        // CArchive, the library itself dlopen'd by CArchiveLazy on first use, so the ~2 ms of
        // loading libarchive, libxml2 and ICU is paid by image commands only, not by every start.
        .systemLibrary(name: "CArchive", path: "Sources/CArchive"),
        .target(name: "CArchiveLazy", linkerSettings: [.linkedLibrary("dl")]),
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),
        // The TUI's SIGINT/SIGTERM/SIGHUP flag and crash handler: one C object, one flag.
        .target(name: "CTerminalSignals", linkerSettings: [.linkedLibrary("ncursesw"), .linkedLibrary("tinfo")]),
        // SHA-256 of image blobs and layers, checked against the digests the archive names.
        .target(name: "CDigest"),
        .target(name: "Engine", dependencies: ["CSpawn", "CArchive", "CArchiveLazy", "CDigest"]),
        // The TUI knows nothing of the Engine: the corral executable adapts one to the other.
        .target(name: "TUI", dependencies: ["CNcurses", "CTerminalSignals"]),
        .executableTarget(
            name: "corral",
            dependencies: [
                "Engine", "TUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // The tests' seeded random generator (replayable fuzz and fault runs).
        .target(name: "SeededRandom", path: "Tests/SeededRandom"),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "SeededRandom"], exclude: ["Fixtures"],
                    linkerSettings: [.linkedLibrary("archive")]),
        .testTarget(name: "TUITests", dependencies: ["TUI"]),
        .testTarget(name: "IntegrationTests", dependencies: ["Engine", "SeededRandom"]),
        .testTarget(name: "CLITests", dependencies: ["corral", "SeededRandom"]),
    ]
)
