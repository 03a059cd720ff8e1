import org.jetbrains.kotlin.gradle.dsl.JvmTarget

// The Koban library for Android apps: the UniFFI Kotlin bindings, the hand-written Kotlin
// beside them (src/main/kotlin) and libkoban_ffi.so for each ABI, as one AAR.
plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
}

val repoRoot: File = rootDir.parentFile

// The native libraries are linked for this API level too (scripts/build-android.sh).
val minSdkVersion = 26

// Both written by scripts/build-android.sh, never committed (see android/.gitignore).
val generatedBindings = file("build/generated/source/uniffi")
val nativeLibraries = file("src/main/jniLibs")

val buildRustLibraries by tasks.registering(Exec::class) {
    description = "Builds libkoban_ffi.so for arm64-v8a, armeabi-v7a and x86_64 and generates the Kotlin bindings."
    group = "build"
    workingDir = repoRoot
    commandLine("bash", "scripts/build-android.sh")
    environment("KOBAN_ANDROID_MIN_SDK", minSdkVersion)
    doFirst {
        // The NDK of android.ndkVersion, unless the environment names one.
        if (System.getenv("ANDROID_NDK_HOME").isNullOrEmpty()) {
            environment("ANDROID_NDK_HOME", androidComponents.sdkComponents.ndkDirectory.get().asFile.path)
        }
    }
    // Up to date while the Rust sources, the lock file, the build scripts and the linker flags are unchanged.
    inputs.files(
        fileTree(repoRoot.resolve("core")) { exclude("target/**") },
        fileTree(repoRoot.resolve("bindings")) { exclude("target/**", "benches/**") },
        repoRoot.resolve("Cargo.toml"),
        repoRoot.resolve("Cargo.lock"),
        repoRoot.resolve("uniffi.toml"),
        repoRoot.resolve("scripts/build-android.sh"),
        repoRoot.resolve("scripts/check-elf-alignment.sh"),
        // The 16 KB page-size linker flag for the Android targets lives here.
        repoRoot.resolve(".cargo/config.toml"),
    )
    outputs.dir(generatedBindings)
    outputs.dir(nativeLibraries)
}

android {
    namespace = "io.koban"
    compileSdk = 35
    ndkVersion = "27.2.12479018"

    defaultConfig {
        minSdk = minSdkVersion
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets["main"].apply {
        java.srcDirs("src/main/kotlin", generatedBindings)
        jniLibs.srcDir(nativeLibraries)
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    compilerOptions { jvmTarget.set(JvmTarget.JVM_17) }
}

androidComponents {
    // src/test and src/testFixtures are JVM suites over a host build of the library with its
    // test hooks and the sandbox host: scripts/test-kotlin.sh runs them, Gradle cannot.
    beforeVariants {
        it.enableUnitTest = false
        it.enableTestFixtures = false
    }
}

tasks.named("preBuild") { dependsOn(buildRustLibraries) }

dependencies {
    // The bindings call into the native library through JNA; the AAR carries its Android .so files.
    api("net.java.dev.jna:jna:${libs.versions.jna.get()}@aar")
    api(libs.kotlinx.coroutines.android)
    // The generated bindings annotate their Android cleaner with @RequiresApi.
    implementation(libs.androidx.annotation)
}
