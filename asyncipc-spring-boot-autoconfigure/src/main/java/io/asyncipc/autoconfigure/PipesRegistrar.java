package io.asyncipc.autoconfigure;

import java.util.concurrent.Executor;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeListenerAnnotationBeanPostProcessor;
import io.asyncipc.messaging.PipeListenerEndpointRegistry;
import io.asyncipc.messaging.PipeTemplate;
import io.asyncipc.transport.InboundMemoryBudget;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.messaging.converter.MessageConverter;

/**
 * Registers a {@link PipeEndpointContainer} and a {@link PipeTemplate} for each pipe of
 * {@code asyncipc.pipes}, both qualified by the pipe's id, so that
 * {@code @Qualifier("orders") PipeTemplate} finds the template of {@code asyncipc.pipes.orders}.
 * The beans are named {@code <id>PipeEndpointContainer} and {@code <id>PipeTemplate}. The
 * settings are checked when the container is created, as those of the single pipe are.
 */
class PipesRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

	private Environment environment;

	private ConfigurableListableBeanFactory beanFactory;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		for (String id : PipesMap.ids(this.environment)) {
			String containerName = id + "PipeEndpointContainer";
			RootBeanDefinition container = new RootBeanDefinition(PipeEndpointContainer.class,
					() -> container(id, containerName));
			container.addQualifier(new AutowireCandidateQualifier(Qualifier.class, id));
			registry.registerBeanDefinition(containerName, container);
			RootBeanDefinition template = new RootBeanDefinition(PipeTemplate.class, () -> template(id, containerName));
			template.addQualifier(new AutowireCandidateQualifier(Qualifier.class, id));
			registry.registerBeanDefinition(id + "PipeTemplate", template);
		}
	}

	private PipeEndpointContainer container(String id, String beanName) {
		PipesMap.checkNoShorthand(this.environment);
		AsyncIpcProperties properties = this.beanFactory.getBean(AsyncIpcProperties.class);
		PipeDefinition pipe = PipeDefinition.of(id, properties);
		Executor executor = null;
		if (!PipeSettings.inlineDispatch(properties)) {
			executor = this.beanFactory.getBean(AsyncIpcAutoConfiguration.LISTENER_EXECUTOR_BEAN_NAME,
					Executor.class);
			// Destroyed after the pipe, so that the listeners of its last messages still run.
			this.beanFactory.registerDependentBean(AsyncIpcAutoConfiguration.LISTENER_EXECUTOR_BEAN_NAME, beanName);
		}
		PipeEndpointContainer container = PipeContainers.create(pipe, PipeSettings.transport(pipe),
				this.beanFactory.getBean(AsyncIpcAutoConfiguration.INBOUND_BUDGET_BEAN_NAME, InboundMemoryBudget.class),
				executor, this.beanFactory.getBean(PipeListenerEndpointRegistry.class), this.environment);
		this.beanFactory.getBeanProvider(PipeObservations.class)
			.ifAvailable((observations) -> observations.configure(container, pipe));
		return container;
	}

	private PipeTemplate template(String id, String containerName) {
		PipeTemplate template = new PipeTemplate(this.beanFactory.getBean(containerName, PipeEndpointContainer.class),
				this.beanFactory.getBean(PipeListenerAnnotationBeanPostProcessor.MESSAGE_CONVERTER_BEAN_NAME,
						MessageConverter.class));
		PipeDefinition pipe = PipeDefinition.of(id, this.beanFactory.getBean(AsyncIpcProperties.class));
		this.beanFactory.getBeanProvider(PipeObservations.class)
			.ifAvailable((observations) -> observations.configure(template, pipe));
		return template;
	}

}
