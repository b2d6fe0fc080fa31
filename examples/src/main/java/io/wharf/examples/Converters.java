package io.wharf.examples;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters whose errors say what was expected. */
final class Converters {

  private Converters() {}

  /** {@code host:port}. */
  static final class Listen implements ITypeConverter<ListenAddress> {
    @Override
    public ListenAddress convert(String value) {
      try {
        return ListenAddress.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** A positive duration, e.g. {@code 24h}. */
  static final class Expiry implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** A positive size, e.g. {@code 4MiB}. */
  static final class Size implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        return WharfConfig.parseSize(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
