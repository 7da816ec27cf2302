import Foundation
import XCTest
@testable import Engine

/// `image load` takes archives from anywhere: mutated `docker save` and OCI archives — their
/// bytes, their JSON documents, their layers — never crash it, fail with an EngineError, and
/// leave the store as it was; what does load lands inside the store.
final class FuzzImageLoadTests: ImageTestCase {
    let config = """
        {"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin","A=b"],"Entrypoint":["/bin/sh"],
         "Cmd":["-c","echo hi"],"WorkingDir":"/app","User":"0:0"},"rootfs":{"type":"layers","diff_ids":[]}}
        """

    func layerEntries() -> [TarEntry] {
        [.dir("bin/"), .file("bin/sh", "#!/bin/true\n", mode: 0o755), .dir("app/"), .file("app/data", "data\n"),
         .symlink("app/link", to: "../bin/sh"), .dir("etc/"), .file("etc/.wh.gone", ""), .file("app/.wh..wh..opq", "")]
    }

    /// The parts of a docker save archive, by path, so a test can mutate any of them.
    func dockerParts() throws -> [(String, Data)] {
        let layer = try Data(contentsOf: URL(fileURLWithPath: try archive("layer-src.tar", layerEntries())))
        let id = String(repeating: "1", count: 64), cfg = sha256(Data(config.utf8)) + ".json"
        return [
            ("\(id)/layer.tar", layer),
            (cfg, Data(config.utf8)),
            ("manifest.json", Data("[{\"Config\":\"\(cfg)\",\"RepoTags\":[\"fuzz/docker:1\"],\"Layers\":[\"\(id)/layer.tar\"]}]".utf8)),
            ("repositories", Data("{}".utf8)),
        ]
    }

    func ociParts() throws -> [(String, Data)] {
        let layer = try Data(contentsOf: URL(fileURLWithPath: try archive("oci-layer-src.tar", layerEntries())))
        let configData = Data(config.utf8)
        let manifest = Data("""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:\(sha256(configData))","size":\(configData.count)},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:\(sha256(layer))","size":\(layer.count)}]}
            """.utf8)
        let index = Data("""
            {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "digest":"sha256:\(sha256(manifest))","size":\(manifest.count),"annotations":{"org.opencontainers.image.ref.name":"fuzz/oci:1"}}]}
            """.utf8)
        return [
            ("oci-layout", Data("{\"imageLayoutVersion\":\"1.0.0\"}".utf8)),
            ("index.json", index),
            ("blobs/sha256/" + sha256(manifest), manifest),
            ("blobs/sha256/" + sha256(configData), configData),
            ("blobs/sha256/" + sha256(layer), layer),
        ]
    }


    func tar(_ name: String, _ parts: [(String, Data)]) throws -> String {
        try archive(name, parts.map { TarEntry.file($0.0, data: $0.1) })
    }

    /// One load of a (probably broken) archive and the properties every outcome must have.
    /// Returns whether it loaded.
    @discardableResult
    func loadAndCheck(_ path: String, context: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        var loaded = false
        let outside = "/tmp/corral-test-outside-\(getpid())-fuzz"
        do {
            let images = try store.load(archive: path)
            loaded = true
            let storeReal = URL(fileURLWithPath: store.imagesDirectory).resolvingSymlinksInPath().path
            for image in images {
                let real = URL(fileURLWithPath: image.rootfs).resolvingSymlinksInPath().path
                XCTAssertTrue(real.hasPrefix(storeReal + "/"), "image \(image.name) outside the store at \(real) — \(context)", file: file, line: line)
                XCTAssertNoThrow(try store.remove(named: image.name, usedBy: { _ in [] }), context, file: file, line: line)
            }
        } catch is EngineError {
            // The refusal itself is the expected outcome of most mutations.
        } catch {
            XCTFail("\(type(of: error)) instead of an EngineError: \(error) — \(context)", file: file, line: line)
        }
        XCTAssertEqual(storeEntries(), [], "left in the store — \(context)", file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: outside), "wrote outside — \(context)", file: file, line: line)
        return loaded
    }

    func testValidArchivesLoad() throws {
        XCTAssertEqual(try store.load(archive: try tar("docker.tar", try dockerParts())).map(\.name), ["fuzz/docker:1"])
        XCTAssertEqual(try store.load(archive: try tar("oci.tar", try ociParts())).map(\.name), ["fuzz/oci:1"])
    }

    func testMutatedArchiveBytes() throws {
        var (rng, seed) = FuzzRNG.seeded()
        let sources = [Array(try Data(contentsOf: URL(fileURLWithPath: try tar("docker.tar", try dockerParts())))),
                       Array(try Data(contentsOf: URL(fileURLWithPath: try tar("oci.tar", try ociParts()))))]
        let path = base + "/mutated.tar"
        for i in 0..<FuzzRNG.iterations(150) {
            try Data(Mutate.bytes(sources[i % 2], using: &rng)).write(to: URL(fileURLWithPath: path))
            loadAndCheck(path, context: "bytes, iteration \(i), CORRAL_FUZZ_SEED=\(seed)")
        }
    }

    /// Each JSON document of both formats mutated at the value level: keys removed, values of
    /// the wrong type, paths and digests pointing out of the archive.
    func testMutatedJSONDocuments() throws {
        var (rng, seed) = FuzzRNG.seeded()
        let formats = [try dockerParts(), try ociParts()]
        for i in 0..<FuzzRNG.iterations(200) {
            var parts = formats[i % 2]
            let jsonIndices = parts.indices.filter { (try? JSONSerialization.jsonObject(with: parts[$0].1)) != nil }
            let target = jsonIndices.randomElement(using: &rng)!
            parts[target].1 = Mutate.json(parts[target].1, using: &rng)
            loadAndCheck(try tar("json-\(i % 4).tar", parts), context: "json \(parts[target].0), iteration \(i), CORRAL_FUZZ_SEED=\(seed)")
        }
    }

    /// The outer archive intact, its layer's bytes mutated (and gzip-compressed now and then).
    func testMutatedLayers() throws {
        var (rng, seed) = FuzzRNG.seeded()
        let docker = try dockerParts()
        let layer = Array(docker[0].1)
        for i in 0..<FuzzRNG.iterations(100) {
            var parts = docker
            parts[0].1 = Data(Mutate.bytes(layer, using: &rng))
            if i % 5 == 0 {
                let plain = base + "/plain-layer"
                try parts[0].1.write(to: URL(fileURLWithPath: plain))
                _ = try? Process.run(URL(fileURLWithPath: "/bin/gzip"), arguments: ["-f", "-n", plain]).waitUntilExit()
                if let gz = try? Data(contentsOf: URL(fileURLWithPath: plain + ".gz")) { parts[0].1 = gz }
            }
            loadAndCheck(try tar("layer-\(i % 4).tar", parts), context: "layer, iteration \(i), CORRAL_FUZZ_SEED=\(seed)")
        }
    }

    /// Archives kept in Fixtures/images: each once broke a loader or comes close.
    func testCorpus() throws {
        let files = FuzzCorpus.files("images")
        XCTAssertFalse(files.isEmpty, "no corpus in \(FuzzCorpus.directory)/images")
        for path in files {
            XCTAssertFalse(loadAndCheck(path, context: path), "\(path) loaded")
        }
    }
}
