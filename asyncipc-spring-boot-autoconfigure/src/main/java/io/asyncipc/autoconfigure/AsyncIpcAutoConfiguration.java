package io.asyncipc.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeListenerAnnotationBeanPostProcessor;
import io.asyncipc.messaging.PipeListenerEndpointRegistry;
import io.asyncipc.messaging.PipePayloadArgumentResolver;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.messaging.PipeTemplates;
import io.asyncipc.messaging.micrometer.PipeListenerObservationConvention;
import io.asyncipc.messaging.micrometer.PipeTemplateObservationConvention;
import io.asyncipc.transport.InboundMemoryBudget;
import io.asyncipc.transport.PipeTransport;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.boot.thread.Threading;
import org.springframework.core.env.Environment;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.handler.annotation.support.DefaultMessageHandlerMethodFactory;
import org.springframework.messaging.handler.annotation.support.MessageHandlerMethodFactory;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of AsyncIPC: the pipe endpoints described by {@code asyncipc.*}, each run
 * as a {@link org.springframework.context.SmartLifecycle} with its {@link PipeTemplate}, the
 * {@link PipeTemplates} of all of them, and the {@link io.asyncipc.messaging.PipeListener}
 * machinery. The single pipe of {@code asyncipc.name} is made here; the pipes of
 * {@code asyncipc.pipes.<id>} by {@link PipesRegistrar}. Without either, it makes no pipe and
 * says so in one INFO line; {@code asyncipc.enabled=false} switches it off altogether.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "asyncipc.enabled", matchIfMissing = true)
@EnableConfigurationProperties(AsyncIpcProperties.class)
@Import(PipesRegistrar.class)
public final class AsyncIpcAutoConfiguration {

	/** The bean name of the executor that runs listeners. */
	public static final String LISTENER_EXECUTOR_BEAN_NAME = "asyncIpcListenerExecutor";

	/** The bean name of the {@link InboundMemoryBudget} that every pipe of the application shares. */
	public static final String INBOUND_BUDGET_BEAN_NAME = "asyncIpcInboundMemoryBudget";

	private static final String JSON_MAPPER = "tools.jackson.databind.json.JsonMapper";

	@Bean
	static PipeListenerAnnotationBeanPostProcessor asyncIpcListenerAnnotationBeanPostProcessor() {
		return new PipeListenerAnnotationBeanPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	PipeListenerEndpointRegistry pipeListenerEndpointRegistry() {
		return new PipeListenerEndpointRegistry();
	}

	@Bean(PipeListenerAnnotationBeanPostProcessor.MESSAGE_CONVERTER_BEAN_NAME)
	@ConditionalOnMissingBean(name = PipeListenerAnnotationBeanPostProcessor.MESSAGE_CONVERTER_BEAN_NAME)
	MessageConverter asyncIpcMessageConverter(ConfigurableListableBeanFactory beanFactory) {
		List<MessageConverter> converters = new ArrayList<>();
		converters.add(new ByteArrayMessageConverter());
		converters.add(new StringMessageConverter());
		if (ClassUtils.isPresent(JSON_MAPPER, beanFactory.getBeanClassLoader())) {
			converters.add(JacksonConverters.create(beanFactory));
		}
		return new CompositeMessageConverter(converters);
	}

	@Bean(PipeListenerAnnotationBeanPostProcessor.HANDLER_METHOD_FACTORY_BEAN_NAME)
	@ConditionalOnMissingBean(name = PipeListenerAnnotationBeanPostProcessor.HANDLER_METHOD_FACTORY_BEAN_NAME)
	MessageHandlerMethodFactory asyncIpcMessageHandlerMethodFactory(
			@Qualifier(PipeListenerAnnotationBeanPostProcessor.MESSAGE_CONVERTER_BEAN_NAME) MessageConverter converter) {
		DefaultMessageHandlerMethodFactory factory = new DefaultMessageHandlerMethodFactory();
		factory.setMessageConverter(converter);
		factory.setCustomArgumentResolvers(List.of(new PipePayloadArgumentResolver(converter)));
		factory.afterPropertiesSet();
		return factory;
	}

	@Bean(INBOUND_BUDGET_BEAN_NAME)
	@ConditionalOnMissingBean(name = INBOUND_BUDGET_BEAN_NAME)
	InboundMemoryBudget asyncIpcInboundMemoryBudget(AsyncIpcProperties properties) {
		return PipeSettings.inboundBudget(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(PipesMap.OnSinglePipe.class)
	PipeTransport asyncIpcTransport(AsyncIpcProperties properties) {
		return PipeSettings.transport(properties);
	}

	/**
	 * The executor that runs listeners unless {@code asyncipc.listener.dispatch=inline}. An
	 * application may define its own of any {@link Executor} type under
	 * {@value #LISTENER_EXECUTOR_BEAN_NAME}.
	 */
	@Bean(name = LISTENER_EXECUTOR_BEAN_NAME)
	@ConditionalOnMissingBean(name = LISTENER_EXECUTOR_BEAN_NAME)
	@ConditionalOnProperty(name = "asyncipc.listener.dispatch", havingValue = "executor", matchIfMissing = true)
	AsyncTaskExecutor asyncIpcListenerExecutor(AsyncIpcProperties properties, Environment environment,
			ObjectProvider<TaskDecorator> taskDecorator) {
		return ListenerExecutors.create(properties, Threading.VIRTUAL.isActive(environment),
				taskDecorator.getIfUnique());
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(PipesMap.OnSinglePipe.class)
	@Qualifier(PipeEndpointContainer.DEFAULT_ID)
	PipeEndpointContainer pipeEndpointContainer(AsyncIpcProperties properties, PipeTransport transport,
			PipeListenerEndpointRegistry registry,
			@Qualifier(INBOUND_BUDGET_BEAN_NAME) InboundMemoryBudget budget,
			@Qualifier(LISTENER_EXECUTOR_BEAN_NAME) ObjectProvider<Executor> listenerExecutor,
			Environment environment, ObjectProvider<PipeObservations> observations) {
		boolean inline = PipeSettings.inlineDispatch(properties);
		PipeDefinition pipe = PipeDefinition.single(properties);
		PipeEndpointContainer container = PipeContainers.create(pipe, transport, budget,
				inline ? null : listenerExecutor.getObject(), registry, environment);
		observations.ifAvailable((configurer) -> configurer.configure(container, pipe));
		return container;
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(PipesMap.OnSinglePipe.class)
	@Qualifier(PipeEndpointContainer.DEFAULT_ID)
	PipeTemplate pipeTemplate(PipeEndpointContainer container,
			@Qualifier(PipeListenerAnnotationBeanPostProcessor.MESSAGE_CONVERTER_BEAN_NAME) MessageConverter converter,
			AsyncIpcProperties properties, ObjectProvider<PipeObservations> observations) {
		PipeTemplate template = new PipeTemplate(container, converter);
		observations.ifAvailable((configurer) -> configurer.configure(template, PipeDefinition.single(properties)));
		return template;
	}

	@Bean
	@Conditional(PipesMap.OnNoPipe.class)
	static NoPipeConfiguredNotice asyncIpcNoPipeConfiguredNotice() {
		return new NoPipeConfiguredNotice();
	}

	@Bean
	@ConditionalOnMissingBean
	PipeTemplates pipeTemplates(ObjectProvider<PipeTemplate> templates) {
		return new PipeTemplates(templates.orderedStream().toList());
	}

	/**
	 * Observations of sends and listener invocations, where Micrometer's observation API is
	 * present and the properties switch them on.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	static class ObservationConfiguration {

		@Bean
		PipeObservations asyncIpcPipeObservations(ObjectProvider<ObservationRegistry> registry,
				ObjectProvider<PipeTemplateObservationConvention> templateConvention,
				ObjectProvider<PipeListenerObservationConvention> listenerConvention) {
			return new PipeObservations(registry, templateConvention, listenerConvention);
		}

	}

}
