package io.asyncipc.autoconfigure;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Says in one INFO line that the starter is on the class path but no pipe is configured, so
 * that an application which has not set one up yet starts, and its log tells what to set.
 */
final class NoPipeConfiguredNotice implements SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(NoPipeConfiguredNotice.class);

	@Override
	public void afterSingletonsInstantiated() {
		logger.info("AsyncIPC: no pipe is configured, so none is created; set asyncipc.name (and asyncipc.role), or "
				+ "asyncipc.pipes.<id>.name for several, or asyncipc.enabled=false to switch the starter off");
	}

}
