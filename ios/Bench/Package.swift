// swift-tools-version:5.9
// The Scanner's call-overhead benchmark, Swift side: a package of its own beside the Koban
// package (which it uses by path, as an app would), so the library's package stays free of
// benchmark targets. Built with `-c release` by scripts/bench-scanner.sh inside the Swift root.

import PackageDescription

// The same library the Kotlin benchmark loads: build/lib/libkoban_ffi.so.
let rustLibDir = Context.packageDirectory + "/../../build/lib"

let package = Package(
    name: "KobanBench",
    dependencies: [
        .package(path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "ScannerBench",
            dependencies: [.product(name: "Koban", package: "ios")],
            path: "Sources/ScannerBench",
            linkerSettings: [.unsafeFlags(["-L", rustLibDir, "-Xlinker", "-rpath", "-Xlinker", rustLibDir])]
        ),
    ]
)
