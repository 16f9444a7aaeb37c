using System.Text;

namespace SessionKit.Samples.ChatServer;

/// <summary>What <see cref="LineReader.ReadLineAsync"/> found.</summary>
public enum LineStatus
{
    /// <summary>A complete line.</summary>
    Line,

    /// <summary>A line longer than the limit; it was skipped up to its end.</summary>
    TooLong,

    /// <summary>The client closed the connection. A line it left unfinished is dropped, never executed.</summary>
    EndOfStream,

    /// <summary>A complete line whose bytes are not valid UTF-8; it is not returned, so it can never be run.</summary>
    InvalidUtf8,
}

/// <summary>Reads <c>\n</c>-terminated UTF-8 lines (a trailing <c>\r</c> is removed) with a length limit.</summary>
public sealed class LineReader
{
    // Throws on invalid bytes: the default decoder would turn them into U+FFFD and the line would run (and a say would
    // broadcast the replacement characters) instead of being refused as the protocol promises.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly int _maxLength;
    private readonly byte[] _buffer = new byte[4096];
    private readonly MemoryStream _line = new();
    private int _start;
    private int _end;

    /// <summary>Initializes a new instance of the <see cref="LineReader"/> class.</summary>
    /// <param name="stream">The stream to read.</param>
    /// <param name="maxLength">The longest line accepted, in bytes.</param>
    public LineReader(Stream stream, int maxLength)
    {
        _stream = stream;
        _maxLength = maxLength;
    }

    /// <summary>Reads the next line.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The status and, for <see cref="LineStatus.Line"/>, the text.</returns>
    public async ValueTask<(LineStatus Status, string Text)> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        _line.SetLength(0);
        var tooLong = false;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            var stop = newline >= 0 ? newline : _end;
            if (!tooLong && _line.Length + (stop - _start) > _maxLength)
            {
                tooLong = true;
                _line.SetLength(0);
            }

            if (!tooLong)
            {
                _line.Write(_buffer, _start, stop - _start);
            }

            if (newline >= 0)
            {
                _start = newline + 1;
                if (tooLong)
                {
                    return (LineStatus.TooLong, string.Empty);
                }

                string text;
                try
                {
                    text = StrictUtf8.GetString(_line.GetBuffer(), 0, (int)_line.Length);
                }
                catch (DecoderFallbackException)
                {
                    return (LineStatus.InvalidUtf8, string.Empty);
                }

                return (LineStatus.Line, text.EndsWith('\r') ? text[..^1] : text);
            }

            _start = _end = 0;
            var read = await _stream.ReadAsync(_buffer, cancellationToken);
            if (read == 0)
            {
                return (LineStatus.EndOfStream, string.Empty);
            }

            _end = read;
        }
    }
}
