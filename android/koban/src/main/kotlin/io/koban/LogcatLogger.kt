package io.koban

import android.util.Log

/** Koban's log lines in Logcat (they name operations and error kinds, never amounts or accounts). */
class LogcatLogger(private val tag: String = "Koban") : Logger {
    override fun log(level: LogLevel, message: String) {
        when (level) {
            LogLevel.ERROR -> Log.e(tag, message)
            LogLevel.WARN -> Log.w(tag, message)
            LogLevel.INFO -> Log.i(tag, message)
            LogLevel.DEBUG -> Log.d(tag, message)
        }
    }
}
