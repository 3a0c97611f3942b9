// swift-tools-version:6.0
// libFuzzer targets for attache's parsers (issue 17). Not part of the main build: scripts/fuzz/build.sh builds it with
// `-Xswiftc -sanitize=fuzzer` so that the fuzzed modules are coverage-instrumented too. One executable per fuzzer;
// each exports LLVMFuzzerTestOneInput (@_cdecl), is compiled with -parse-as-library, and defines the entry point
// SwiftPM links it with (`<Target>_main`), which hands over to libFuzzer's driver.
import PackageDescription

let fuzzers = ["FuzzGrammar", "FuzzResolver", "FuzzCSV", "FuzzManifest", "FuzzPolicy", "FuzzReview", "FuzzLayout", "FuzzSpanEdits"]
let package = Package(
    name: "attache-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "attache", path: "..")],
    targets: [
        .target(name: "CFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzer", .product(name: "AttacheFuzzSurface", package: "attache")]),
    ] + fuzzers.map { name in
        .executableTarget(
            name: name,
            dependencies: ["FuzzSupport", .product(name: "AttacheFuzzSurface", package: "attache")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    }
)
