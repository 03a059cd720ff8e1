// swift-tools-version:5.9
// Swift 5 language mode: the generated bindings are not yet clean under Swift 6's
// strict concurrency checking.

import PackageDescription

// scripts/test-swift.sh builds libkoban_ffi.so into build/lib and copies the generated
// Koban.swift and KobanFFI.h into Sources/ (both git-ignored).
let rustLibDir = Context.packageDirectory + "/../build/lib"

let package = Package(
    name: "Koban",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Koban", targets: ["Koban"]),
    ],
    targets: [
        // The C side of the bindings: the generated header and a module map that links
        // the Rust library.
        .systemLibrary(name: "KobanFFI", path: "Sources/KobanFFI"),
        // The generated Swift API plus small hand-written extensions.
        .target(
            name: "Koban",
            dependencies: ["KobanFFI"],
            path: "Sources/Koban",
            linkerSettings: [.unsafeFlags(["-L", rustLibDir])]
        ),
        .testTarget(
            name: "KobanTests",
            dependencies: ["Koban"],
            path: "Tests/KobanTests",
            linkerSettings: [.unsafeFlags(["-L", rustLibDir, "-Xlinker", "-rpath", "-Xlinker", rustLibDir])]
        ),
    ]
)
