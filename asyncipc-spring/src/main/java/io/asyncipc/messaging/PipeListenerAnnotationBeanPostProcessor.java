package io.asyncipc.messaging;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.handler.annotation.support.MessageHandlerMethodFactory;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;
import org.springframework.util.StringUtils;

/**
 * Finds {@link PipeListener} methods on beans, proxied ones included, and classes annotated
 * {@link PipeListener} with their {@link PipeHandler} methods, and registers them with
 * the {@link PipeListenerEndpointRegistry} once all singletons exist, each bound to the pipe it
 * names, or to the only pipe. A listener that names no pipe among several, or a pipe that no
 * {@link PipeEndpointContainer} bean has, fails the startup with a
 * {@link BeanInitializationException} that names the listener and the pipes there are.
 */
public class PipeListenerAnnotationBeanPostProcessor
		implements BeanPostProcessor, BeanFactoryAware, SmartInitializingSingleton {

	/** The bean name of the {@link MessageHandlerMethodFactory} that listeners are invoked through. */
	public static final String HANDLER_METHOD_FACTORY_BEAN_NAME = "asyncIpcMessageHandlerMethodFactory";

	/** The bean name of the {@link MessageConverter} for replies. */
	public static final String MESSAGE_CONVERTER_BEAN_NAME = "asyncIpcMessageConverter";

	private final List<Found> found = new ArrayList<>();

	private BeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		PipeListener classLevel = AnnotatedElementUtils.findMergedAnnotation(targetClass, PipeListener.class);
		if (classLevel != null) {
			Map<Method, PipeHandler> handlers = MethodIntrospector.selectMethods(targetClass,
					(MethodIntrospector.MetadataLookup<PipeHandler>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, PipeHandler.class));
			this.found.add(new Found(bean, beanName, null, classLevel, handlers));
		}
		Map<Method, PipeListener> methods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<PipeListener>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, PipeListener.class));
		methods.forEach((method, annotation) -> {
			Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
			this.found.add(new Found(bean, beanName, invocable, annotation, Map.of()));
		});
		return bean;
	}

	@Override
	public void afterSingletonsInstantiated() {
		PipeListenerEndpointRegistry registry = this.beanFactory.getBean(PipeListenerEndpointRegistry.class);
		MessageHandlerMethodFactory factory = this.beanFactory.getBean(HANDLER_METHOD_FACTORY_BEAN_NAME,
				MessageHandlerMethodFactory.class);
		MessageConverter converter = this.beanFactory.getBean(MESSAGE_CONVERTER_BEAN_NAME, MessageConverter.class);
		Set<String> pipeIds = new TreeSet<>();
		this.beanFactory.getBeanProvider(PipeEndpointContainer.class)
			.forEach((container) -> pipeIds.add(container.getId()));
		for (Found listener : this.found) {
			String pipeId = pipeOf(listener, pipeIds);
			PayloadTypeRouter router = routerOf(listener, factory, converter);
			router.checkPayloadTypesReadable(describe(listener));
			String id = StringUtils.hasText(listener.annotation.id()) ? listener.annotation.id()
					: (listener.method != null) ? listener.beanName + "." + listener.method.getName()
							: listener.beanName;
			PipeListenerErrorHandler errorHandler = StringUtils.hasText(listener.annotation.errorHandler())
					? this.beanFactory.getBean(listener.annotation.errorHandler(), PipeListenerErrorHandler.class)
					: null;
			MessagingPipeListenerAdapter adapter = new MessagingPipeListenerAdapter(id, router, converter, errorHandler);
			adapter.setReturnExceptions(listener.annotation.returnExceptions());
			registry.register(pipeId, adapter);
		}
		this.found.clear();
	}

	private static PayloadTypeRouter routerOf(Found listener, MessageHandlerMethodFactory factory,
			MessageConverter converter) {
		if (listener.method != null) {
			return PayloadTypeRouter.forMethod(factory.createInvocableHandlerMethod(listener.bean, listener.method),
					converter);
		}
		List<InvocableHandlerMethod> methods = new ArrayList<>();
		List<Boolean> defaults = new ArrayList<>();
		listener.handlers.entrySet()
			.stream()
			.sorted(Comparator.comparing((entry) -> entry.getKey().toGenericString()))
			.forEach((entry) -> {
				Method invocable = AopUtils.selectInvocableMethod(entry.getKey(), listener.bean.getClass());
				methods.add(factory.createInvocableHandlerMethod(listener.bean, invocable));
				defaults.add(entry.getValue().isDefault());
			});
		return PayloadTypeRouter.forClass(describe(listener), methods, defaults, converter);
	}

	/**
	 * Returns the id of the pipe a listener binds to, or {@code null} for every pipe: a
	 * listener that names none binds to the only one (or to any, where the application made
	 * its containers itself and has no container bean).
	 */
	private static String pipeOf(Found listener, Set<String> pipeIds) {
		String pipe = listener.annotation.pipe();
		if (pipeIds.isEmpty()) {
			throw new BeanInitializationException(describe(listener) + " receives the messages of a pipe, but no pipe "
					+ "is configured: set asyncipc.name (and asyncipc.role), or asyncipc.pipes.<id>.name for several");
		}
		if (!StringUtils.hasText(pipe)) {
			if (pipeIds.size() > 1) {
				throw new BeanInitializationException(describe(listener)
						+ " names no pipe, and this application has the pipes " + pipeIds
						+ "; name one with @PipeListener(pipe = \"<id>\")");
			}
			return null;
		}
		if (!pipeIds.contains(pipe)) {
			throw new BeanInitializationException(describe(listener) + " names the pipe '" + pipe
					+ "', which does not exist: the pipes of this application are " + pipeIds
					+ "; name one of them, or configure asyncipc.pipes." + pipe + ".name");
		}
		return pipe;
	}

	private static String describe(Found listener) {
		if (listener.method == null) {
			return "@PipeListener class " + AopUtils.getTargetClass(listener.bean).getName() + " (bean '"
					+ listener.beanName + "')";
		}
		return "@PipeListener method '" + listener.method.getName() + "' of bean '" + listener.beanName + "' ("
				+ listener.method.getDeclaringClass().getName() + ")";
	}

	/**
	 * A listener found on a bean: a method-level one has its {@code method}, a class-level one
	 * has none and its {@code handlers} instead.
	 */
	private record Found(Object bean, String beanName, Method method, PipeListener annotation,
			Map<Method, PipeHandler> handlers) {
	}

}
