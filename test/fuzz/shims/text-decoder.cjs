// Moddable's `text/decoder` for device modules loaded in Node by the fuzz run: the engine's own.
module.exports = { __esModule: true, default: TextDecoder };
