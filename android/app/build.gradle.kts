import org.jetbrains.kotlin.gradle.dsl.JvmTarget

// The demo wallet app: thin Compose screens over the plain-Kotlin view models in
// src/main/kotlin/io/koban/app/model (tested on the JVM by scripts/test-kotlin.sh).
plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

android {
    namespace = "io.koban.app"
    compileSdk = 35

    defaultConfig {
        applicationId = "io.koban.app"
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        // The wallet host: by default the sandbox on the development machine as the emulator
        // sees it (`koban sandbox --addr 127.0.0.1:8080`); `-Pkoban.hostUrl=…` for another.
        val hostUrl = providers.gradleProperty("koban.hostUrl").getOrElse("http://10.0.2.2:8080")
        buildConfigField("String", "KOBAN_HOST_URL", "\"$hostUrl\"")
        // Against the sandbox, linked bank accounts open with this many yen (0: a real host).
        val opening = providers.gradleProperty("koban.sandboxOpeningBalance").getOrElse("300000")
        buildConfigField("long", "SANDBOX_OPENING_BALANCE", "${opening}L")
    }

    sourceSets["main"].java.srcDir("src/main/kotlin")

    buildFeatures {
        compose = true
        buildConfig = true
    }

    // Native libraries stay uncompressed in the APK, so the 16 KB-aligned .so files load in place.
    packaging {
        jniLibs.useLegacyPackaging = false
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
    // The view-model tests in src/test run on the JVM against the sandbox via scripts/test-kotlin.sh.
    beforeVariants { it.enableUnitTest = false }
}

dependencies {
    implementation(project(":koban"))
    implementation(platform(libs.androidx.compose.bom))
    implementation(libs.androidx.compose.ui)
    implementation(libs.androidx.compose.foundation)
    implementation(libs.androidx.compose.material3)
    implementation(libs.androidx.compose.material.icons.core)
    implementation(libs.androidx.activity.compose)
    implementation(libs.androidx.lifecycle.viewmodel.compose)
    implementation(libs.androidx.lifecycle.runtime.compose)
    implementation(libs.androidx.navigation.compose)
    implementation(libs.androidx.camera.camera2)
    implementation(libs.androidx.camera.lifecycle)
    implementation(libs.androidx.camera.view)
}
