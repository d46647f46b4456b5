package io.mlapi.cli;

import java.lang.reflect.Proxy;

/**
 * SIGTERM, handled by us. The JVM's own handling runs the shutdown hooks and exits with status
 * 143 at once; Kubernetes wants a replica to drain first and to exit 0. {@code sun.misc.Signal}
 * (module jdk.unsupported) is the only way, reached by reflection because javac flags every
 * direct use of it, and {@code -Werror} rightly refuses warnings.
 */
final class TerminationSignal {
  private TerminationSignal() {}

  /**
   * Runs {@code onTerm} (on a thread of the JVM's) at each SIGTERM, instead of the JVM's default.
   *
   * @return false when this JVM offers no signal handling; then SIGTERM runs the shutdown hooks
   */
  static boolean onTerm(Runnable onTerm) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object handler = Proxy.newProxyInstance(TerminationSignal.class.getClassLoader(), new Class<?>[] {handlerClass},
          (proxy, method, args) -> switch (method.getName()) {
            case "handle" -> {
              onTerm.run();
              yield null;
            }
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "toString" -> "mlapi's SIGTERM handler";
            default -> throw new UnsupportedOperationException(method.getName());
          });
      Object signal = signalClass.getConstructor(String.class).newInstance("TERM");
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
