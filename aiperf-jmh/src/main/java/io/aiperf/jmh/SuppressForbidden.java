package io.aiperf.jmh;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Lets one class or method use an API that forbidden-apis bans everywhere else (the build's
 * {@code build/forbidden-apis} rules): {@link StaticServer}'s command line may print its address.
 * Each use says why.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
@interface SuppressForbidden {
  /**
   * Why the banned API is right here.
   *
   * @return the reason
   */
  String reason();
}
