import org.jetbrains.kotlin.gradle.dsl.JvmTarget

// The Koban library for Android apps: the UniFFI Kotlin bindings, the hand-written Kotlin
// beside them (src/main/kotlin) and libkoban_ffi.so for each ABI, as one AAR.
plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
    `maven-publish`
}

val repoRoot: File = rootDir.parentFile

// One source for the version, licence and home of everything Koban ships (the crates, this
// AAR, the Swift package): `[workspace.package]` of the root Cargo.toml.
fun cargoWorkspace(key: String): String {
    val section = repoRoot.resolve("Cargo.toml").readText()
        .substringAfter("\n[workspace.package]\n").substringBefore("\n[")
    return Regex("(?m)^" + key + "\\s*=\\s*\"([^\"]*)\"").find(section)?.groupValues?.get(1)
        ?: error("Cargo.toml has no $key in [workspace.package]")
}
val kobanVersion = cargoWorkspace("version")
val kobanLicense = cargoWorkspace("license")
val kobanRepository = cargoWorkspace("repository")
val licenseUrls = mapOf("Apache-2.0" to "https://www.apache.org/licenses/LICENSE-2.0.txt")

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

    // The AAR that apps depend on, with its sources (the hand-written Kotlin and the generated
    // bindings) for the IDE.
    publishing {
        singleVariant("release") {
            withSourcesJar()
        }
    }
}

// io.koban:koban:<workspace version>: `./gradlew :koban:publishReleasePublicationToBuildRepository`
// writes it to koban/build/repo (a Maven layout to upload); `publishToMavenLocal` to ~/.m2.
// scripts/check-release-metadata.py checks this block and renders its POM without Gradle.
publishing {
    publications {
        register<MavenPublication>("release") {
            groupId = "io.koban"
            artifactId = "koban"
            version = kobanVersion
            afterEvaluate { from(components["release"]) }
            pom {
                name.set("Koban")
                description.set(
                    "Koban's mobile wallet core for Android: payment QR detection and camera scanning, " +
                        "consumer codes, top-up, payments and remittance, one Rust core through UniFFI.",
                )
                url.set(kobanRepository)
                licenses {
                    license {
                        name.set(kobanLicense)
                        url.set(licenseUrls[kobanLicense] ?: error("no licence URL for $kobanLicense"))
                        distribution.set("repo")
                    }
                }
                developers {
                    developer {
                        id.set("koban")
                        name.set("The Koban authors")
                    }
                }
                scm {
                    url.set(kobanRepository)
                    connection.set("scm:git:$kobanRepository.git")
                    developerConnection.set("scm:git:$kobanRepository.git")
                }
            }
        }
    }
    repositories {
        maven {
            name = "build"
            url = uri(layout.buildDirectory.dir("repo"))
        }
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
