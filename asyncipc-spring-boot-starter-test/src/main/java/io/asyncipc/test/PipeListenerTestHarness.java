package io.asyncipc.test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.asyncipc.messaging.PipeHandler;
import io.asyncipc.messaging.PipeListener;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.util.StringUtils;

/**
 * Records every invocation of the application's {@link PipeListener} and {@link PipeHandler}
 * methods, with its arguments and its outcome, so that a test can wait until a listener was
 * called, in the spirit of Spring AMQP's {@code RabbitListenerTestHarness}. The listener
 * still runs as it would without it.
 * <pre class="code">
 * &#64;Test
 * void storesAnOrder(PipeTestClient client, PipeListenerTestHarness harness) {
 *     client.convertAndSend(new Order("A-17", 3));
 *     Invocation invocation = harness.awaitInvocation("orderDesk.onOrder");
 *     assertThat(invocation.arguments()).first().isEqualTo(new Order("A-17", 3));
 * }
 * </pre>
 * A listener's id is its {@code @PipeListener(id)} where it sets one, and otherwise
 * {@code <bean name>.<method name>} (always so for {@code @PipeHandler} methods). A test of a
 * class annotated {@link AsyncIpcTest} gets the harness as a parameter, or with
 * {@code @Autowired}: it is a bean of the test's context. It records by proxying the
 * listener beans (with CGLIB, as Spring's AOP does), so a listener class must not be final,
 * nor its listener methods private or final; such a bean gets no proxy (its listeners run as
 * they would without the harness), and awaiting one of them fails saying so.
 * <p>
 * Invocations are kept until taken, per listener and in the order they happened; a test
 * context that Spring's cache shares between test classes shares its harness, and
 * {@link #clear()} forgets what was recorded.
 */
public final class PipeListenerTestHarness {

	private final Map<String, BlockingQueue<Invocation>> invocations = new ConcurrentHashMap<>();

	private final Map<String, String> unrecorded = new ConcurrentHashMap<>();

	PipeListenerTestHarness() {
	}

	/**
	 * Waits for the next invocation of a listener, at most {@link PipeTestClient#DEFAULT_TIMEOUT}.
	 * @param listenerId the listener's id, such as {@code orderDesk.onOrder}
	 * @return the invocation
	 * @throws AssertionError if it was not invoked in time, or no listener has that id
	 */
	public Invocation awaitInvocation(String listenerId) {
		return awaitInvocation(listenerId, PipeTestClient.DEFAULT_TIMEOUT);
	}

	/**
	 * Waits for the next invocation of a listener that no earlier call took.
	 * @param listenerId the listener's id, such as {@code orderDesk.onOrder}
	 * @param timeout how long to wait
	 * @return the invocation: its arguments, and what it returned or threw
	 * @throws AssertionError if it was not invoked in time, or no listener has that id
	 */
	public Invocation awaitInvocation(String listenerId, Duration timeout) {
		String reason = this.unrecorded.get(listenerId);
		if (reason != null) {
			throw new AssertionError("listener '" + listenerId + "' is not recorded: " + reason);
		}
		BlockingQueue<Invocation> queue = this.invocations.get(listenerId);
		if (queue == null) {
			throw new AssertionError("no @PipeListener has the id '" + listenerId + "'; the listeners are "
					+ new TreeSet<>(this.invocations.keySet()));
		}
		Invocation invocation;
		try {
			invocation = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted while waiting for listener '" + listenerId + "'", ex);
		}
		if (invocation == null) {
			throw new AssertionError("listener '" + listenerId + "' was not invoked within " + timeout);
		}
		return invocation;
	}

	/**
	 * Returns the ids of the listeners that are recorded.
	 * @return the ids, sorted
	 */
	public List<String> getListenerIds() {
		return new ArrayList<>(new TreeSet<>(this.invocations.keySet()));
	}

	/**
	 * Forgets every invocation recorded and not taken yet.
	 */
	public void clear() {
		this.invocations.values().forEach(BlockingQueue::clear);
	}

	void listen(String listenerId) {
		this.invocations.putIfAbsent(listenerId, new LinkedBlockingQueue<>());
	}

	void unrecorded(String listenerId, String reason) {
		this.unrecorded.put(listenerId, reason);
	}

	void record(Invocation invocation) {
		this.invocations.computeIfAbsent(invocation.listenerId(), (id) -> new LinkedBlockingQueue<>()).add(invocation);
	}

	/**
	 * One invocation of a listener.
	 * @param listenerId the listener's id
	 * @param arguments the arguments it was called with: the converted payload, headers, the
	 * connection, as its parameters asked for
	 * @param result what it returned (the reply, if not {@code null}), or {@code null}
	 * @param exception what it threw, or {@code null}
	 */
	public record Invocation(String listenerId, List<Object> arguments, Object result, Throwable exception) {

		/**
		 * Returns the argument at a position, cast to the type asked for.
		 * @param <T> the type
		 * @param index the parameter's position, from 0
		 * @param type the type
		 * @return the argument
		 */
		public <T> T argument(int index, Class<T> type) {
			return type.cast(this.arguments.get(index));
		}

	}

	/**
	 * Wraps each bean with listener methods in a proxy that records their invocations. It is
	 * added to the bean factory before the context registers its own post-processors, so it
	 * runs before AsyncIPC's annotation post-processor, which then registers the proxy's
	 * methods.
	 */
	static final class Recorder implements BeanPostProcessor {

		private final PipeListenerTestHarness harness;

		Recorder(PipeListenerTestHarness harness) {
			this.harness = harness;
		}

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			Class<?> targetClass = AopUtils.getTargetClass(bean);
			Map<Method, String> ids = listenerIds(targetClass, beanName);
			if (ids.isEmpty()) {
				return bean;
			}
			String unproxyable = unproxyable(targetClass, ids.keySet());
			if (unproxyable != null) {
				// Left as it is, the listener runs as it would without the harness.
				ids.values().forEach((id) -> this.harness.unrecorded(id, unproxyable));
				return bean;
			}
			ids.values().forEach(this.harness::listen);
			ProxyFactory factory = new ProxyFactory(bean);
			factory.setProxyTargetClass(true);
			factory.addAdvice(new RecordingInterceptor(this.harness, ids));
			return factory.getProxy(targetClass.getClassLoader());
		}

		/**
		 * Returns why a CGLIB proxy cannot record the listener methods of a class, or
		 * {@code null} if it can: it overrides no final method, nor a final class, and a
		 * private method could not be invoked through it at all.
		 */
		private static String unproxyable(Class<?> targetClass, Iterable<Method> methods) {
			if (Modifier.isFinal(targetClass.getModifiers())) {
				return "its class " + targetClass.getName() + " is final, so PipeListenerTestHarness cannot proxy it";
			}
			for (Method method : methods) {
				if (Modifier.isFinal(method.getModifiers()) || Modifier.isPrivate(method.getModifiers())) {
					return "the listener method " + method.getName() + " of " + targetClass.getName() + " is "
							+ (Modifier.isFinal(method.getModifiers()) ? "final" : "private")
							+ ", so PipeListenerTestHarness cannot proxy its class";
				}
			}
			return null;
		}

		private static Map<Method, String> listenerIds(Class<?> targetClass, String beanName) {
			boolean classLevel = AnnotatedElementUtils.hasAnnotation(targetClass, PipeListener.class);
			MethodIntrospector.MetadataLookup<String> lookup = (method) -> {
				PipeListener listener = AnnotatedElementUtils.findMergedAnnotation(method, PipeListener.class);
				if (listener != null) {
					return StringUtils.hasText(listener.id()) ? listener.id() : beanName + "." + method.getName();
				}
				if (classLevel && AnnotatedElementUtils.hasAnnotation(method, PipeHandler.class)) {
					return beanName + "." + method.getName();
				}
				return null;
			};
			return MethodIntrospector.selectMethods(targetClass, lookup);
		}

	}

	private static final class RecordingInterceptor implements MethodInterceptor {

		private final PipeListenerTestHarness harness;

		private final Map<Method, String> ids;

		RecordingInterceptor(PipeListenerTestHarness harness, Map<Method, String> ids) {
			this.harness = harness;
			this.ids = ids;
		}

		@Override
		public Object invoke(MethodInvocation invocation) throws Throwable {
			String id = this.ids.get(invocation.getMethod());
			if (id == null) {
				return invocation.proceed();
			}
			List<Object> arguments = Collections.unmodifiableList(Arrays.asList(invocation.getArguments().clone()));
			Object result;
			try {
				result = invocation.proceed();
			}
			catch (Throwable ex) {
				this.harness.record(new Invocation(id, arguments, null, ex));
				throw ex;
			}
			this.harness.record(new Invocation(id, arguments, result, null));
			return result;
		}

	}

	/**
	 * Makes the harness a bean of the test's context and installs its {@link Recorder}.
	 * Registered by {@link AsyncIpcTest}.
	 */
	static final class Registrar implements ContextCustomizerFactory {

		@Override
		public ContextCustomizer createContextCustomizer(Class<?> testClass,
				List<ContextConfigurationAttributes> configAttributes) {
			return new Customizer();
		}

	}

	private static final class Customizer implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			PipeListenerTestHarness harness = new PipeListenerTestHarness();
			context.getBeanFactory().registerSingleton("pipeListenerTestHarness", harness);
			context.getBeanFactory().addBeanPostProcessor(new Recorder(harness));
		}

		@Override
		public boolean equals(Object other) {
			return other != null && other.getClass() == getClass();
		}

		@Override
		public int hashCode() {
			return Customizer.class.hashCode();
		}

	}

}
